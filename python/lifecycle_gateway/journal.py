"""gateway.journal: the action journal (GET/DELETE /_gateway/journal), one
entry per call the code under test made to either API, oldest first.

    gateway.journal(api="transfer")                  # every matching entry (pages followed)
    gateway.journal(operation="StopServer", limit=1) # one page, as the gateway gives it
    gateway.journal.count(result="accepted")
    gateway.journal.clear()

Filters: api, operation, server (either identity, or a server dict), tenant,
result, since (an entry id), limit. An unknown filter raises ControlError.
"""

PAGE = 10000  # the gateway's largest page


def _query(filters):
    query = {}
    for key, value in filters.items():
        if value is None:
            continue
        if key == "server" and isinstance(value, dict):
            value = value.get("id") or value.get("server_id")
        query[key] = value
    return query


class Journal:
    def __init__(self, control):
        self._control = control

    def __call__(self, **filters):
        """The entries that match, oldest first; without `limit`, all of them."""
        query = _query(filters)
        if "limit" in query:
            return self._page(query)
        out = []
        query["limit"] = PAGE
        while True:
            page = self._page(query)
            out.extend(page)
            if len(page) < PAGE:
                return out
            query["since"] = page[-1]["id"]

    def _page(self, query):
        return self._control.request("GET", "/_gateway/journal", query=query)[1]["entries"]

    def count(self, **filters):
        query = _query(filters)
        query["count"] = "true"
        return self._control.request("GET", "/_gateway/journal", query=query)[1]["count"]

    def clear(self):
        """Empties the journal (ids go on)."""
        self._control.request("DELETE", "/_gateway/journal")
