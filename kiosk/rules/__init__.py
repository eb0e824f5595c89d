"""The export spec's rules, shared by the terminal and the auditors' verifier (see README.md)."""
