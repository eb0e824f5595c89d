"""The terminal itself: commissioning and unlocking, enrolment, approvals (see README.md)."""
