"""The cost model's own error type (it imports nothing from the rest of segroi)."""


class AssumptionError(ValueError):
    """An assumption that cannot be used. ``field`` is its dotted path ("" for the whole file)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.reason = message
        super().__init__(f"{field}: {message}" if field else message)
