#!/usr/bin/env python3
"""One assignment through its whole lifecycle over the Takst REST API (/api/v1).

Standard library only (urllib.request, json); Python 3.9 or newer.

    TAKST_URL=http://127.0.0.1:3000 TAKST_API_KEY=tk_... python3 takst_lifecycle.py

What it shows:
  * a small `call()` helper: query parameters, a JSON body, an Idempotency-Key, and refusals
    raised as `TakstProblem` built from the RFC 9457 problem details the server answers with;
  * a condition report assignment from `received` to `closed`: confirm it, book and complete
    the inspection, write, submit and approve the report, deliver, invoice, close;
  * a list with filters (status, q, createdFrom) read page by page with `nextCursor`;
  * a change made at a stale version, refused with 409 VERSION_CONFLICT, printed as its problem.

The API key needs the scopes appraisers:write and assignments:write (the admin key has them).
Every operation is described at <TAKST_URL>/docs and in <TAKST_URL>/api/openapi.json.
"""

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterator, Optional

BASE_URL = os.environ.get("TAKST_URL", "http://127.0.0.1:3000").rstrip("/") + "/api/v1"
API_KEY = os.environ.get("TAKST_API_KEY", "")


class TakstProblem(Exception):
    """A refusal or failure, from the problem details (application/problem+json) the server sent.

    Act on `error_code` (docs/errors.md lists every one), show `detail`, and quote `request_id`
    when asking for help. `problem` holds every member, e.g. `currentVersion` for
    VERSION_CONFLICT or `issues` for VALIDATION_FAILED.
    """

    def __init__(self, status: int, problem: Dict[str, Any]):
        self.status = status
        self.problem = problem
        self.error_code: str = problem.get("errorCode", "UNKNOWN")
        self.detail: str = problem.get("detail", "")
        self.request_id: Optional[str] = problem.get("requestId")
        super().__init__(f"{status} {self.error_code}: {self.detail} (request {self.request_id})")

    @classmethod
    def from_http_error(cls, error: urllib.error.HTTPError) -> "TakstProblem":
        text = error.read().decode("utf-8", errors="replace")
        try:
            problem = json.loads(text)
        except ValueError:
            # Not problem details (a proxy in between, say): keep what there is.
            problem = {"errorCode": "HTTP_ERROR", "detail": text[:500] or error.reason}
        if not isinstance(problem, dict):
            problem = {"errorCode": "HTTP_ERROR", "detail": str(problem)}
        problem.setdefault("requestId", error.headers.get("x-request-id"))
        return cls(error.code, problem)


def _query_value(value: Any) -> str:
    # Booleans as the API spells them; everything else as text.
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def call(
    method: str,
    path: str,
    query: Optional[Dict[str, Any]] = None,
    body: Optional[Dict[str, Any]] = None,
    idempotency_key: Optional[str] = None,
) -> Any:
    """Calls one operation and returns its JSON answer; raises TakstProblem when refused.

    `query`: plain parameters; a list becomes the parameter repeated (status=a&status=b), and
    None leaves the parameter out. `body`: sent as JSON (POST/PUT/PATCH). `idempotency_key`:
    the change runs once per key, so a retry after a lost answer gets the first answer back.
    """
    url = BASE_URL + path
    if query:
        pairs = []
        for name, value in query.items():
            if value is None:
                continue
            for each in value if isinstance(value, (list, tuple)) else [value]:
                pairs.append((name, _query_value(each)))
        url += "?" + urllib.parse.urlencode(pairs)
    headers = {"Authorization": f"Bearer {API_KEY}", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json"
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        raise TakstProblem.from_http_error(error) from None
    return json.loads(text) if text else None


def pages(path: str, query: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
    """Every page of a list: pass `nextCursor` back as `cursor` until it is null."""
    cursor = None
    while True:
        page = call("GET", path, query={**query, "cursor": cursor})
        yield page
        cursor = page["nextCursor"]
        if cursor is None:
            return


RUN = uuid.uuid4().hex[:12]


def key(step: str) -> str:
    """One Idempotency-Key per change this script makes, unique to this run."""
    return f"lifecycle-{RUN}-{step}"


def show(assignment: Dict[str, Any]) -> None:
    print(f"{assignment['reference']}: {assignment['status']} (version {assignment['version']})")


def transition(assignment: Dict[str, Any], to: str) -> Dict[str, Any]:
    """Moves the assignment on, at the version we last read; the answer is the new version."""
    moved = call(
        "POST",
        f"/assignments/{assignment['id']}/transitions",
        body={"to": to, "expectedVersion": assignment["version"]},
        idempotency_key=key(f"to-{to}"),
    )
    show(moved)
    return moved


def main() -> int:
    if not API_KEY:
        print("Set TAKST_API_KEY to an API key (tk_...), and TAKST_URL to the server.", file=sys.stderr)
        return 2

    # Two appraisers certified for condition reports: one writes the report, the other reviews it.
    certified = [{"area": "condition", "validFrom": "2020-01-01"}]
    appraiser = call("POST", "/appraisers", body={"name": "Astrid Takst", "certifications": certified},
                     idempotency_key=key("appraiser"))
    reviewer = call("POST", "/appraisers", body={"name": "Rune Revisor", "certifications": certified},
                    idempotency_key=key("reviewer"))

    # A condition report for a client, given to the appraiser at once. It starts as `received`.
    order = {
        "type": "condition_report",
        "property": {"address": {"street": "Storgata 12", "postalCode": "0155", "city": "Oslo"}},
        "client": {"name": "Kari Nordmann", "email": "kari@example.no"},
        "dueDate": (datetime.now(timezone.utc) + timedelta(days=30)).date().isoformat(),
        "appraiserId": appraiser["id"],
    }
    assignment = call("POST", "/assignments", body=order, idempotency_key=key("create"))
    show(assignment)
    # Sent again with the same key (as after a timeout), it is not created twice.
    again = call("POST", "/assignments", body=order, idempotency_key=key("create"))
    print(f"retried the create with its key: same assignment {again['id'] == assignment['id']}")

    # The same client orders two more services for the property.
    for kind in ("valuation", "energy_certificate"):
        other = {**order, "type": kind}
        del other["appraiserId"]
        show(call("POST", "/assignments", body=other, idempotency_key=key(f"create-{kind}")))

    assignment = transition(assignment, "confirmed")

    # A list with filters, page by page: lists repeat the parameter (status=a&status=b).
    # createdFrom keeps it to what this run made, on a server holding more.
    filters = {
        "status": ["received", "confirmed"],
        "q": "Storgata",
        "createdFrom": assignment["createdAt"],
        "limit": 2,
    }
    sizes = []
    for number, page in enumerate(pages("/assignments", filters), start=1):
        sizes.append(len(page["items"]))
        for item in page["items"]:
            print(f"  page {number}: {item['reference']} {item['type']} {item['status']}")
    print(f"listed {sum(sizes)} assignments in {len(sizes)} pages of {sizes}")

    # A change made at a version read before the confirmation is refused: read again, retry.
    try:
        call("POST", f"/assignments/{assignment['id']}/transitions",
             body={"to": "on_hold", "expectedVersion": assignment["version"] - 1})
        raise SystemExit("a stale expectedVersion was accepted")
    except TakstProblem as problem:
        print(f"refused: {problem} currentVersion={problem.problem.get('currentVersion')}")

    # Booking the inspection moves the assignment to inspection_booked by itself.
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
    inspection = call("POST", "/inspections", body={
        "assignmentId": assignment["id"],
        "appraiserId": appraiser["id"],
        "startsAt": tomorrow.isoformat(),
        "endsAt": (tomorrow + timedelta(hours=2)).isoformat(),
    }, idempotency_key=key("book"))
    assignment = call("GET", f"/assignments/{assignment['id']}")
    show(assignment)

    # Completing it moves the assignment to inspected.
    call("POST", f"/inspections/{inspection['id']}/complete",
         body={"expectedVersion": inspection["version"]}, idempotency_key=key("complete"))
    assignment = call("GET", f"/assignments/{assignment['id']}")
    show(assignment)

    # The report: drafted by the appraiser, submitted, then approved by someone else.
    assignment = transition(assignment, "drafting")
    content = {
        "kind": "condition",
        "standardVersion": "NS3600:2018",
        "items": [{"section": "Tak", "buildingPart": "Taktekking", "grade": "TG1",
                   "description": "Normal slitasje"}],
    }
    report = call("POST", f"/assignments/{assignment['id']}/reports",
                  body={"authorId": appraiser["id"], "content": content}, idempotency_key=key("draft"))
    report = call("POST", f"/reports/{report['id']}/submit",
                  body={"expectedVersion": report["version"]}, idempotency_key=key("submit"))
    assignment = transition(assignment, "in_review")
    report = call("POST", f"/reports/{report['id']}/approve",
                  body={"reviewerId": reviewer["id"], "expectedVersion": report["version"]},
                  idempotency_key=key("approve"))
    print(f"report version {report['number']}: {report['status']}")

    # Delivering the assignment delivers its approved report; then it is invoiced and closed.
    assignment = transition(assignment, "delivered")
    assignment = transition(assignment, "invoiced")
    assignment = transition(assignment, "closed")
    report = call("GET", f"/reports/{report['id']}")
    print(f"report version {report['number']}: {report['status']}")
    print(f"final status: {assignment['status']}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except TakstProblem as problem:
        print(f"refused: {problem}", file=sys.stderr)
        sys.exit(1)
    except urllib.error.URLError as error:
        print(f"cannot reach {BASE_URL}: {error.reason}", file=sys.stderr)
        sys.exit(1)
