"""Benchmarks (issue 7): a deterministic generator of FICTIONAL graphs at sizes S, M
and L, and ``python -m bench``, which measures both stores and the queries against
straightforward baselines. Results with the machine they ran on: docs/performance.md.
"""
