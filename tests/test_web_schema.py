"""Property-based run of the JSON API against its own OpenAPI spec (schemathesis strategies driven by
Hypothesis): whatever a client sends, valid or not, the server answers without a 5xx. Bounded (a dozen
examples per operation and mode) to stay well under a minute on two cores.

Schemathesis' pytest plugin does not run under this pytest, so the strategies are used directly."""

import pytest

pytest.importorskip("onnxruntime")
schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

from socfit.web.app import create_app  # noqa: E402

EXAMPLES = 12


@pytest.fixture(scope="module")
def web_schema(real_pack_path, tmp_path_factory):
    app = create_app(real_pack_path, cases_db=tmp_path_factory.mktemp("schema") / "cases.sqlite",
                     allowed_hosts={"testserver"})
    app.state.engine.warm()
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def _operations() -> list:
    """Every API operation with valid inputs, and with invalid ones when it takes any input at all."""
    from socfit.web import api

    out = []
    for r in api.router.routes:
        d = r.dependant
        takes_input = bool(d.path_params or d.query_params or d.body_params)
        for m in sorted(r.methods):
            out.append(pytest.param(f"{m} {r.path}", GenerationMode.POSITIVE, id=f"{m} {r.path} valid"))
            if takes_input:
                out.append(pytest.param(f"{m} {r.path}", GenerationMode.NEGATIVE, id=f"{m} {r.path} invalid"))
    return out


@pytest.mark.parametrize("label, mode", _operations())
def test_api_never_answers_with_a_server_error(web_schema, label, mode):
    method, path = label.split(" ", 1)
    op = web_schema[path][method.lower()]
    seen = []

    @given(case=op.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        if path == "/api/report" and isinstance(case.query, dict) and case.query.get("format") == "pdf":
            case.query["format"] = "md"  # a PDF costs ~1 s to lay out; test_web_api checks one
        response = case.call()
        seen.append(response.status_code)
        assert response.status_code < 500, (case.method, case.path, case.query, str(case.body)[:300],
                                            response.status_code, response.text[:300])

    check()
    assert seen, "no request was generated"
