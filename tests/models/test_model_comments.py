"""Tortoise's SQLite schema editor splits statements on ';', so table and column comments must not hold one."""

import inspect

from tortoise.models import Model

import models


def test_no_semicolon_in_model_docs_or_field_descriptions():
    offenders = []
    for name in models.__all__:
        model = getattr(models, name)
        assert issubclass(model, Model)
        if ";" in (inspect.getdoc(model) or ""):
            offenders.append(name)
        offenders += [f"{name}.{f}" for f, field in model._meta.fields_map.items() if ";" in (field.description or "")]
    assert offenders == []
