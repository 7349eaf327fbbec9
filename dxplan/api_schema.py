"""The API's error answers, documented on every operation of /api/schema/.

Any operation can answer 400 (a query parameter or body that is not valid, a control
character), 401 (no or a wrong token; `WWW-Authenticate: Token`), 403 (not allowed for your
role) and 404 (no such row, or a path that is no route). Views document their own answers
(409 on a conflict, detailed 400s); this hook only fills in the ones they leave out.
"""

ERROR_SCHEMA = {
    "type": "object",
    "description": "`detail` with the reason, or the invalid fields with their messages.",
    "additionalProperties": True,
}
ERRORS = {
    "400": "Invalid input: the parameter or field and what is wrong with it.",
    "401": "Not authenticated: send `Authorization: Token <key>` (or log in).",
    "403": "Not allowed for you, or not now; `detail` says why.",
    "404": "No such row, or no such path.",
}


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                response = responses.setdefault(status, {"description": description})
                response.setdefault("content", {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}})
    return result
