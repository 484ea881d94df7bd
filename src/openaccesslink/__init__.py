"""OpenAccessLink: a self-hostable implementation of the Polar AccessLink API v3."""

__version__ = "0.1.0"
