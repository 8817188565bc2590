"""The ASGI app uvicorn serves: ``uvicorn graphql_api.main:app`` (configuration by environment)."""

from graphql_api.app import create_app
from graphql_api.settings import settings

app = create_app(settings)
