"""Answers checked raw against botocore's service model, as the gateway sent them.

    checker = ModelCheck(client)          # a boto3 client; records every answer it receives
    client.describe_user(...)
    checker.assert_conforms()             # every answer so far, against its output (or error) shape

A body is checked member by member: no member the shape does not have, every
required member present, JSON types as the awsJson1_1 protocol writes the
shape's types (timestamps as epoch seconds), enum values from the shape's
list, and the length, range and pattern constraints of strings and numbers
(AWS's own answers leave lists shorter than a shape's minimum, e.g. an
empty Tags, so list lengths are not held against an answer). Errors are
checked against the error shape their __type names.
"""
import json
import re

NUMBER = (int, float)


class Violation(AssertionError):
    pass


def _pattern(shape):
    pattern = shape.metadata.get("pattern")
    if not pattern:
        return None
    # Java's \p{Print} is Python's printable ASCII.
    return re.compile(pattern.replace(r"\p{Print}", r"\x20-\x7e"))


def check(shape, value, path="$"):
    """Raises Violation with the path of the first member that does not fit `shape`."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise Violation(f"{path}: {value!r} is not an object ({shape.name})")
        members = shape.members
        for name in value:
            if name == "__type" and path == "$":
                continue
            if name not in members:
                raise Violation(f"{path}: member {name!r} is not in {shape.name} ({sorted(members)})")
            check(members[name], value[name], f"{path}.{name}")
        for name in shape.required_members:
            if name not in value:
                raise Violation(f"{path}: required member {name!r} of {shape.name} is missing")
    elif kind == "list":
        if not isinstance(value, list):
            raise Violation(f"{path}: {value!r} is not a list ({shape.name})")
        for i, item in enumerate(value):
            check(shape.member, item, f"{path}[{i}]")
    elif kind == "map":
        if not isinstance(value, dict):
            raise Violation(f"{path}: {value!r} is not a map ({shape.name})")
        for k, v in value.items():
            check(shape.value, v, f"{path}[{k!r}]")
    elif kind == "string":
        if not isinstance(value, str):
            raise Violation(f"{path}: {value!r} is not a string ({shape.name})")
        if shape.enum and value not in shape.enum:
            raise Violation(f"{path}: {value!r} is not one of {shape.enum} ({shape.name})")
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            raise Violation(f"{path}: {value!r} is not {low}..{high} characters ({shape.name})")
        pattern = _pattern(shape)
        if pattern and not pattern.search(value):
            raise Violation(f"{path}: {value!r} does not match {pattern.pattern} ({shape.name})")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise Violation(f"{path}: {value!r} is not an integer ({shape.name})")
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            raise Violation(f"{path}: {value} is not in {low}..{high} ({shape.name})")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise Violation(f"{path}: {value!r} is not a boolean ({shape.name})")
    elif kind == "timestamp":
        if not isinstance(value, NUMBER) or isinstance(value, bool):
            raise Violation(f"{path}: {value!r} is not epoch seconds ({shape.name})")
    elif kind in ("double", "float"):
        if not isinstance(value, NUMBER) or isinstance(value, bool):
            raise Violation(f"{path}: {value!r} is not a number ({shape.name})")
    else:
        raise Violation(f"{path}: shape type {kind} is not checked here")


class ModelCheck:
    """Records each answer a boto3 client receives and checks it against the model."""

    def __init__(self, client):
        self.model = client.meta.service_model
        self.answers = []  # (operation name, status, parsed body)
        client.meta.events.register("after-call.transfer", self._record)

    def _record(self, model, http_response, **_):
        body = http_response.content or b""
        self.answers.append((model.name, http_response.status_code, json.loads(body) if body else None))

    def shape_of(self, operation, status, body):
        if status < 300:
            return self.model.operation_model(operation).output_shape
        name = (body or {}).get("__type", "").split("#")[-1]
        return self.model.shape_for(name)

    def assert_conforms(self):
        """Every answer recorded; returns how many were checked."""
        for operation, status, body in self.answers:
            shape = self.shape_of(operation, status, body)
            if shape is None:
                if body not in (None, {}):
                    raise Violation(f"{operation} answered {body!r} where the model has no output")
                continue
            try:
                check(shape, body if body is not None else {})
            except Violation as e:
                raise Violation(f"{operation} ({status}): {e}") from None
        return len(self.answers)
