"""PLACEHOLDER: demo data loader (being written)."""


async def load_demo_data() -> dict[str, int]:
    return {}
