"""`chalice local` (and Chalice's test client) with API Gateway's greedy path variables.

API Gateway sends a path that no other route matches to a route ending in `{name+}`, however many
segments it has; Chalice's local route matcher knows no greedy variables and compares segment
counts, so locally an unknown path of two segments got API Gateway's 403 "Missing Authentication
Token" in JSON instead of the portal's 404 page. `install()` gives Chalice the matcher below;
`python -m devtools.localgateway local ...` is `chalice local ...` with it installed.
"""

from __future__ import annotations

import sys
from urllib.parse import parse_qs, urlparse

import chalice.local
from chalice.local import MatchResult, RouteMatcher


def _is_greedy(route: str) -> bool:
    last = route.rsplit("/", 1)[-1]
    return last.startswith("{") and last.endswith("+}")


class GreedyRouteMatcher(RouteMatcher):
    """Every other route first, as Chalice matches them; then the greedy routes, the longest first."""

    def __init__(self, route_urls: list[str]) -> None:
        super().__init__([route for route in route_urls if not _is_greedy(route)])
        self.greedy = sorted((route for route in route_urls if _is_greedy(route)), key=len, reverse=True)

    def match_route(self, url: str) -> MatchResult:
        try:
            return super().match_route(url)
        except ValueError:
            parsed = urlparse(url)
            path = parsed.path
            for route in self.greedy:
                parent, variable = route.rsplit("/", 1)
                if parent and not path.startswith(parent + "/"):
                    continue
                rest = path[len(parent) + 1 :].rstrip("/")
                if rest:
                    # as API Gateway names it: the variable without its "+"
                    captured = {variable[1:-2]: rest}
                    return MatchResult(route, captured, parse_qs(parsed.query, keep_blank_values=True))
            raise


def install() -> None:
    """Make every LocalGateway made from now on (chalice local's, the test client's) match greedy routes."""
    chalice.local.RouteMatcher = GreedyRouteMatcher  # type: ignore[misc]


def main() -> None:
    from chalice.cli import main as chalice_cli

    install()
    sys.argv = ["chalice", *sys.argv[1:]]
    sys.exit(chalice_cli())


if __name__ == "__main__":
    main()
