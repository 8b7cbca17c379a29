"""Building blocks of the Streamlit pages: the network view, forms, charts, briefings."""
