"""yuqing (舆情): self-hosted public-opinion monitoring and response."""

__version__ = "0.1.0"
