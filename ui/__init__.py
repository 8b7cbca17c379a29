"""The thin edges: the Streamlit app and the CLI.

They call graph/ and queries/, never a database.
"""
