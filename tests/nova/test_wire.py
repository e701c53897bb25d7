"""Nova's wire by hand, for what no client sends on purpose: every status
code of the seed's table (and 404, 415), exact fault bodies, the headers on
every answer, and bad input that must never crash the gateway."""
import http.client
import json
import unittest

from gateway import EXAMPLE_FLEET, Gateway

WEB1 = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e01"
WEB3 = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e03"


class Wire(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.gw = Gateway(["--fleet", EXAMPLE_FLEET]).__enter__()
        cls.token = cls.login("demo")

    @classmethod
    def tearDownClass(cls):
        cls.gw.__exit__(None, None, None)

    @classmethod
    def login(cls, user, password=None, project=None):
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"name": "Default"}, "password": password or user}}},
            "scope": {"project": {"name": project or {"viewer": "demo"}.get(user, user), "domain": {"name": "Default"}}}}}
        status, headers, doc = cls.call("POST", "/identity/v3/auth/tokens", json.dumps(body), token=None)
        return headers.get("x-subject-token") if status == 201 else (status, doc)

    @classmethod
    def call(cls, method, path, body=None, token="", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", cls.gw.port, timeout=10)
        h = {"Content-Type": "application/json"} if body is not None else {}
        if token == "":
            token = cls.token
        if token:
            h["X-Auth-Token"] = token
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        conn.close()
        try:
            doc = json.loads(data) if data else None
        except ValueError:
            doc = data
        return r.status, hdrs, doc

    def action(self, server, body, **kw):
        return self.call("POST", f"/compute/v2.1/servers/{server}/action", body, **kw)

    def assertFault(self, result, status, name, message):
        got_status, headers, doc = result
        self.assertEqual(got_status, status, doc)
        self.assertEqual(doc, {name: {"code": status, "message": message}})
        self.assertTrue(headers["content-type"].startswith("application/json"))
        self.assertTrue(headers["x-openstack-request-id"].startswith("req-"))
        self.assertEqual(headers["x-openstack-request-id"], headers["x-compute-request-id"])
        self.assertIn("openstack-api-version", headers)

    def test_202_with_billing_note_and_every_value_of_os_stop(self):
        for value in ["null", "{}", '"null"']:
            status, headers, doc = self.action(WEB1, '{"os-stop": %s}' % value)
            self.assertEqual((status, doc), (202, None))
            self.assertEqual(headers["billing-note"],
                             "server remains billable while stopped; delete it to stop billing")
            self.assertEqual(headers["openstack-api-version"], "compute 2.1")
            self.assertEqual(headers["x-openstack-nova-api-version"], "2.1")
            self.assertEqual(headers["vary"], "OpenStack-API-Version, X-OpenStack-Nova-API-Version")
            self.assertEqual(self.action(WEB1, '{"os-start": null}')[0], 202)

    def test_400s(self):
        bad = "Malformed request body"
        self.assertFault(self.action(WEB1, "{not json"), 400, "badRequest", bad)
        self.assertFault(self.action(WEB1, "[1]"), 400, "badRequest", bad)
        self.assertFault(self.action(WEB1, '{"os-stop": null, "os-start": null}'), 400, "badRequest", bad)
        self.assertFault(self.action(WEB1, "{}"), 400, "badRequest", bad)
        self.assertFault(self.action(WEB1, '{"explode": null}'), 400, "badRequest", "There is no such action: explode")
        self.assertFault(self.action(WEB1, '{"reboot": {"type": "BOUNCE"}}'), 400, "badRequest",
                         "Invalid input for field/attribute type. Value: BOUNCE. 'BOUNCE' is not one of "
                         "['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']")
        self.assertFault(self.action(WEB1, b'{"os-stop": "\xff"}'), 400, "badRequest", bad)
        self.assertFault(self.action(WEB1, "[" * 50000 + "]" * 50000), 400, "badRequest", bad)
        status, _, doc = self.action(WEB1, '{"lock": 5}', headers={"OpenStack-API-Version": "compute 2.73"})
        self.assertEqual(status, 400)
        status, _, doc = self.call("GET", "/compute/v2.1/servers?marker=nope")
        self.assertEqual((status, doc["badRequest"]["message"]), (400, "marker [nope] not found"))
        status, _, doc = self.call("GET", "/compute/v2.1/servers?limit=abc")
        self.assertEqual(status, 400)
        status, _, doc = self.call("GET", "/compute/v2.1/servers?frobnicate=1",
                                   headers={"OpenStack-API-Version": "compute 2.79"})
        self.assertEqual(status, 400)
        self.assertEqual(self.call("GET", "/compute/v2.1/servers?frobnicate=1")[0], 200)  # ignored before 2.75
        self.assertFault(self.call("GET", "/compute/v2.1/servers", headers={"OpenStack-API-Version": "compute 2.x"}),
                         400, "badRequest",
                         "API Version String 2.x is of invalid format. Must be of format MajorNum.MinorNum.")

    def test_401_403_404_405_406_409_413_415(self):
        status, headers, doc = self.action(WEB1, '{"os-stop": null}', token="not-a-token")
        self.assertEqual(status, 401)
        self.assertEqual(doc, {"error": {"code": 401, "title": "Unauthorized",
                                         "message": "The request you have made requires authentication."}})
        self.assertEqual(headers["www-authenticate"], f'Keystone uri="{self.gw.url}/identity"')
        self.assertEqual(self.action(WEB1, '{"os-stop": null}', token=None)[0], 401)
        self.assertEqual(self.login("demo", password="wrong")[0], 401)
        self.assertEqual(self.login("nobody")[0], 401)
        self.assertEqual(self.login("demo", project="alt")[0], 401)  # no role there

        viewer = self.login("viewer")
        self.assertFault(self.action(WEB1, '{"os-stop": null}', token=viewer), 403, "forbidden",
                         "Policy doesn't allow os_compute_api:servers:stop to be performed.")
        missing = "00000000-0000-4000-8000-00000000dead"
        self.assertFault(self.action(missing, '{"os-stop": null}'), 404, "itemNotFound",
                         f"Instance {missing} could not be found.")
        alt = self.login("alt")
        self.assertFault(self.action(WEB1, '{"os-stop": null}', token=alt), 404, "itemNotFound",
                         f"Instance {WEB1} could not be found.")
        self.assertFault(self.call("GET", "/compute/v2.1/nowhere"), 404, "itemNotFound",
                         "The resource could not be found.")
        status, headers, doc = self.call("GET", f"/compute/v2.1/servers/{WEB1}/action")
        self.assertFault((status, headers, doc), 405, "badMethod", "The method specified is not allowed for this resource.")
        self.assertEqual(headers["allow"], "POST")
        self.assertFault(self.call("GET", "/compute/v2.1/servers", headers={"OpenStack-API-Version": "compute 2.999"}),
                         406, "computeFault", "Version 2.999 is not supported by the API. Minimum is 2.1 and maximum is 2.79.")
        self.assertFault(self.action(WEB3, '{"os-stop": null}'), 409, "conflictingRequest",
                         f"Cannot 'stop' instance {WEB3} while it is in vm_state stopped")
        db = "6f1c2a3e-0b4d-4c5e-8f60-7a8b9c0d1e04"
        self.assertFault(self.action(db, '{"os-stop": null}'), 409, "conflictingRequest", f"Instance {db} is locked")
        self.assertFault(self.action(WEB1, '{"os-stop": "%s"}' % ("x" * 120000)), 413, "overLimit",
                         "Request is too large.")
        self.assertFault(self.action(WEB1, '{"os-stop": null}', headers={"Content-Type": "text/plain"}), 415,
                         "badMediaType", "Unsupported Content-Type")
        self.assertFault(self.call("POST", "/compute/v2.1/servers", "<server/>",
                                   headers={"Content-Type": "application/xml"}), 415, "badMediaType",
                         "Unsupported Content-Type")
        for media_type in ["application/json; charset=UTF-8", "application/vnd.openstack.compute+json"]:
            self.assertEqual(self.action(WEB1, '{"os-stop": null}', headers={"Content-Type": media_type})[0], 202)
            self.assertEqual(self.action(WEB1, '{"os-start": null}', headers={"Content-Type": media_type})[0], 202)
        status, _, _ = self.call("GET", "/compute/v2.1/servers")
        self.assertEqual(status, 200)  # still answering

    def test_order_of_middleware_checks(self):
        # As Nova's pipeline: the size limit, then the token, then the microversion.
        big = '{"os-stop": "%s"}' % ("x" * 120000)
        self.assertFault(self.action(WEB1, big, token=None), 413, "overLimit", "Request is too large.")
        status, headers, doc = self.call("GET", "/compute/v2.1/servers", token=None,
                                         headers={"OpenStack-API-Version": "compute 9.9"})
        self.assertEqual((status, doc["error"]["code"]), (401, 401))
        self.assertEqual(headers["x-openstack-request-id"], headers["x-compute-request-id"])
        self.assertEqual(headers["openstack-api-version"], "compute 2.1")
        # Above the gateway's own 1 MiB limit the router answers, in Nova's words.
        self.assertFault(self.action(WEB1, "x" * (1024 * 1024 + 10)), 413, "overLimit", "Request is too large.")
        self.assertEqual(self.call("GET", f"/compute/v2.1/servers/{WEB1}")[0], 200)

    def test_405_and_404_on_every_kind_of_path(self):
        for method, path, allow in [("POST", f"/compute/v2.1/servers/{WEB1}", "GET, PUT, DELETE"),
                                    ("DELETE", "/compute/v2.1/servers", "GET, POST"),
                                    ("PUT", "/compute/v2.1/flavors", "GET, POST"),
                                    ("POST", "/compute/v2.1/flavors/1/os-flavor-access", "GET"),
                                    ("POST", "/compute/v2.1/os-hypervisors/statistics", "GET"),
                                    ("DELETE", "/compute/v2.1/os-quota-sets/demo/defaults", "GET")]:
            status, headers, doc = self.call(method, path, "{}" if method in ("PUT", "POST") else None)
            self.assertFault((status, headers, doc), 405, "badMethod",
                             "The method specified is not allowed for this resource.")
            self.assertEqual(headers["allow"], allow)
        for path in ["/compute/v3", "/compute/v2.1/servers/x/y/z", "/compute/v2.1/os-cells"]:
            self.assertFault(self.call("GET", path), 404, "itemNotFound", "The resource could not be found.")
        self.assertFault(self.call("GET", "/compute/v2.1/servers/not-a-uuid"), 404, "itemNotFound",
                         "Instance not-a-uuid could not be found.")
        self.assertFault(self.call("DELETE", "/compute/v2.1/servers/not-a-uuid"), 404, "itemNotFound",
                         "Instance not-a-uuid could not be found.")
        self.assertFault(self.call("GET", "/compute/v2.1/flavors/42"), 404, "itemNotFound",
                         "Flavor 42 could not be found.")

    def test_name_filter_is_a_regex_checked_as_nova_does(self):
        import time
        import urllib.parse
        self.assertFault(self.call("GET", "/compute/v2.1/servers?name=%28"), 400, "badRequest",
                         "Invalid input for query parameters name. Value: (. '(' is not a 'regex'")
        self.assertEqual(self.call("GET", "/compute/v2.1/servers?name=")[0], 400)
        deep = "(" * 2000 + "a" + ")" * 2000  # compiling must not recurse that deep
        self.assertEqual(self.call("GET", f"/compute/v2.1/servers?name={deep}")[0], 400)
        started = time.monotonic()
        status, _, doc = self.call("GET", "/compute/v2.1/servers?name=" + urllib.parse.quote("^(a|a?)+(b|b?)+$"))
        self.assertEqual((status, doc["servers"]), (200, []))
        self.assertLess(time.monotonic() - started, 2)
        status, _, doc = self.call("GET", "/compute/v2.1/servers?name=" + urllib.parse.quote("WEB-[1]|primary"))
        self.assertEqual(sorted(s["name"] for s in doc["servers"]), ["db-primary"])  # case-sensitive, as MySQL binary

    def test_list_filters_as_nova_reads_them(self):
        self.assertFault(self.call("GET", "/compute/v2.1/servers?status=FROZEN",
                                   headers={"OpenStack-API-Version": "compute 2.38"}),
                         400, "badRequest", "Invalid status value")
        self.assertEqual(self.call("GET", "/compute/v2.1/servers?status=FROZEN")[2], {"servers": []})  # before 2.38
        status, _, doc = self.call("GET", "/compute/v2.1/servers?status=shutoff")
        self.assertEqual(sorted(s["name"] for s in doc["servers"]), ["batch-1", "web-3"])
        status, _, doc = self.call("GET", "/compute/v2.1/servers?all_tenants=0")
        self.assertEqual((status, len(doc["servers"])), (200, 7))  # false: own project, no policy check
        self.assertFault(self.call("GET", "/compute/v2.1/servers?all_tenants=maybe"), 400, "badRequest",
                         "Unrecognized value 'maybe', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', "
                         "'off', 'on', 't', 'true', 'y', 'yes'")
        admin = self.login("admin")
        self.assertEqual(len(self.call("GET", "/compute/v2.1/servers?all_tenants", token=admin)[2]["servers"]), 12)
        self.assertEqual(len(self.call("GET", "/compute/v2.1/servers?all_tenants=True", token=admin)[2]["servers"]), 12)
        self.assertEqual(len(self.call("GET", "/compute/v2.1/servers", token=admin)[2]["servers"]), 0)

    def test_identity_and_image_paths_answer_in_keystones_shape(self):
        status, headers, doc = self.call("PUT", "/identity/v3/auth/tokens", "{}", token=None)
        self.assertEqual((status, doc["error"]["code"], headers["allow"]), (405, 405, "GET, POST, DELETE"))
        status, _, doc = self.call("GET", "/identity/v3/regions", token=None)
        self.assertEqual((status, doc), (404, {"error": {"code": 404, "title": "Not Found",
                                                         "message": "The resource could not be found."}}))
        status, _, doc = self.call("GET", "/identity/v3/users", token=None)
        self.assertEqual((status, doc), (401, {"error": {"code": 401, "title": "Unauthorized",
                                                         "message": "The request you have made requires "
                                                                    "authentication."}}))
        self.assertEqual(self.call("GET", "/image/v2/images", token=None)[0], 401)
        status, _, doc = self.call("GET", "/image/v2/images?name=cirros-0.6.2-x86_64-disk")
        self.assertEqual((status, [i["name"] for i in doc["images"]]), (200, ["cirros-0.6.2-x86_64-disk"]))
        self.assertEqual(self.call("GET", "/image/v2/images/nope")[0], 404)
        status, _, doc = self.call("POST", "/identity/v3/auth/tokens", "[" * 100000, token=None)
        self.assertEqual((status, doc["error"]["code"]), (400, 400))
        self.assertEqual(self.call("GET", "/identity/v3", token=None)[0], 200)

    def test_create_checks_its_body(self):
        image = "0b1c3f0e-5a6d-4e2f-9a70-1c2d3e4f5a61"
        post = lambda server, **kw: self.call("POST", "/compute/v2.1/servers", json.dumps({"server": server}), **kw)
        self.assertFault(post({"name": "x", "flavorRef": "99", "imageRef": image}), 400, "badRequest",
                         "Invalid flavorRef provided.")
        self.assertFault(post({"name": "x", "flavorRef": "1", "imageRef": "nope"}), 400, "badRequest",
                         "Invalid input for field/attribute imageRef. Value: nope. "
                         "'nope' is not valid under any of the given schemas")
        unknown = "8d3c1a52-9d1e-4c0f-8f6b-2a7e5b4c3d21"
        self.assertFault(post({"name": "x", "flavorRef": "1", "imageRef": unknown}), 400, "badRequest",
                         "Can not find requested image")  # Nova's text for an unknown image at create
        status, _, doc = post({"flavorRef": "1", "imageRef": image})
        self.assertEqual(status, 400)
        self.assertTrue(doc["badRequest"]["message"].endswith("'name' is a required property"))
        status, _, doc = post({"name": "x", "flavorRef": "1", "imageRef": image},
                              headers={"OpenStack-API-Version": "compute 2.79"})
        self.assertTrue(doc["badRequest"]["message"].endswith("'networks' is a required property"))
        self.assertFault(self.call("POST", "/compute/v2.1/servers", "{" * 20000), 400, "badRequest",
                         "Malformed request body")
        status, headers, doc = post({"name": "many", "flavorRef": "1", "imageRef": image, "max_count": 2,
                                     "metadata": {"role": "test"}})
        self.assertEqual(status, 202)
        sid = doc["server"]["id"]
        self.assertEqual(headers["location"], f"{self.gw.url}/compute/v2.1/servers/{sid}")
        self.assertEqual(set(doc["server"]), {"id", "links", "OS-DCF:diskConfig", "security_groups", "adminPass"})
        _, _, listed = self.call("GET", "/compute/v2.1/servers/detail?name=^many-")
        self.assertEqual(sorted(s["name"] for s in listed["servers"]), ["many-1", "many-2"])
        self.assertEqual(listed["servers"][0]["metadata"], {"role": "test"})
        for s in listed["servers"]:
            self.assertEqual(self.call("DELETE", f"/compute/v2.1/servers/{s['id']}")[0], 204)

    def test_injected_500_503_and_413(self):
        for error, status, name in [("internal", 500, "computeFault"), ("unavailable", 503, "serviceUnavailable"),
                                    ("throttled", 413, "overLimit")]:
            self.gw.control("POST", "/_gateway/faults", {"match": {"api": "nova", "operation": "os-stop"},
                                                         "effect": {"error": error, "retry_after_s": 3}, "count": 1})
            got, headers, doc = self.action(WEB1, '{"os-stop": null}')
            self.assertEqual(got, status)
            self.assertEqual(doc[name]["code"], status)
            if error == "throttled":
                self.assertEqual(doc[name]["retryAfter"], "3")
                self.assertEqual(headers["retry-after"], "3")
        self.assertEqual(self.action(WEB1, '{"os-start": null}')[0], 409)  # the stop never happened: ACTIVE

    def test_microversions_and_discovery(self):
        status, headers, doc = self.call("GET", "/compute/", token=None)
        self.assertEqual(status, 200)
        # As Nova: the legacy v2.0 first, then v2.1 with its microversions; each self link works.
        self.assertEqual([v["id"] for v in doc["versions"]], ["v2.0", "v2.1"])
        self.assertEqual(doc["versions"][1]["version"], "2.79")
        self.assertEqual(doc["versions"][1]["min_version"], "2.1")
        self.assertEqual(self.call("GET", "/compute/v2/", token=None)[2]["version"]["id"], "v2.0")
        self.assertEqual(self.call("GET", "/compute/v2.1", token=None)[2]["version"]["id"], "v2.1")
        for header in [{"OpenStack-API-Version": "compute 2.47"}, {"X-OpenStack-Nova-API-Version": "2.47"}]:
            status, headers, doc = self.call("GET", f"/compute/v2.1/servers/{WEB1}", headers=header)
            self.assertEqual(headers["openstack-api-version"], "compute 2.47")
            self.assertEqual(doc["server"]["flavor"]["original_name"], "m1.tiny")
        status, headers, doc = self.call("GET", f"/compute/v2.1/servers/{WEB1}",
                                         headers={"OpenStack-API-Version": "compute latest"})
        self.assertEqual(headers["openstack-api-version"], "compute 2.79")
        self.assertIn("locked_reason", doc["server"])
        status, _, doc = self.call("GET", "/identity", token=None)
        self.assertEqual(status, 300)
        self.assertEqual(doc["versions"]["values"][0]["id"], "v3.14")

    def test_paging_and_filters(self):
        status, _, doc = self.call("GET", "/compute/v2.1/servers?limit=3")
        self.assertEqual(len(doc["servers"]), 3)
        next_link = doc["servers_links"][0]["href"]
        self.assertIn(f"marker={doc['servers'][2]['id']}", next_link)
        status, _, page2 = self.call("GET", next_link[len(self.gw.url):])
        self.assertEqual(len(page2["servers"]), 3)
        self.assertNotIn(doc["servers"][0]["id"], [s["id"] for s in page2["servers"]])
        status, _, doc = self.call("GET", "/compute/v2.1/servers?name=^web-[12]$")
        self.assertEqual(sorted(s["name"] for s in doc["servers"]), ["web-1", "web-2"])
        status, _, doc = self.call("GET", "/compute/v2.1/servers/detail?status=SHUTOFF")
        self.assertTrue(doc["servers"])
        self.assertTrue(all(s["status"] == "SHUTOFF" for s in doc["servers"]))
        admin = self.login("admin")
        status, _, doc = self.call("GET", "/compute/v2.1/servers?all_tenants=1", token=admin)
        self.assertEqual(len(doc["servers"]), 12)
        self.assertEqual(self.call("GET", "/compute/v2.1/servers?all_tenants=1")[0], 403)

    def test_tokens_validate_and_revoke(self):
        token = self.login("alt")
        status, headers, doc = self.call("GET", "/identity/v3/auth/tokens", token=self.token,
                                         headers={"X-Subject-Token": token})
        self.assertEqual(status, 200)
        self.assertEqual(doc["token"]["user"]["name"], "alt")
        self.assertEqual([c["type"] for c in doc["token"]["catalog"]][:2], ["compute", "image"])
        self.assertEqual(self.call("DELETE", "/identity/v3/auth/tokens", token=self.token,
                                   headers={"X-Subject-Token": token})[0], 204)
        self.assertEqual(self.call("GET", "/compute/v2.1/servers", token=token)[0], 401)


    def test_tokens_are_random_and_only_the_whole_token_passes(self):
        tokens = [self.login("demo") for _ in range(3)]
        for token in tokens:
            self.assertRegex(token, r"^[A-Za-z0-9_-]{32}$")  # 24 bytes from the CSPRNG, base64url
        self.assertEqual(len(set(tokens)), 3)
        # The first 12 characters find the token, the other 20 must match it
        # whole: a right lookup part with any other verifier, or a piece, is no token.
        token = tokens[0]
        flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
        for forged in [flipped, token[:12] + tokens[1][12:], token[:12], token + "A", token[:31], token.swapcase()]:
            self.assertEqual(self.call("GET", "/compute/v2.1/servers", token=forged)[0], 401, forged)
        self.assertEqual(self.call("GET", "/identity/v3/auth/tokens", token=self.token,
                                   headers={"X-Subject-Token": flipped})[0], 404)
        self.assertEqual(self.call("DELETE", "/identity/v3/auth/tokens", token=self.token,
                                   headers={"X-Subject-Token": flipped})[0], 404)
        self.assertEqual(self.call("GET", "/compute/v2.1/servers", token=token)[0], 200)  # not revoked by that


class AuthModes(unittest.TestCase):
    def request(self, gw, method, path, body=None, token=None):
        conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["X-Auth-Token"] = token
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def test_noauth_takes_user_and_project_from_the_token(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--auth", "noauth"]) as gw:
            self.assertEqual(self.request(gw, "POST", f"/compute/v2.1/servers/{WEB1}/action", '{"os-stop": null}',
                                          token="demo:demo")[0], 202)
            self.assertEqual(self.request(gw, "POST", f"/compute/v2.1/servers/{WEB1}/action", '{"os-start": null}',
                                          token="alt:alt")[0], 404)  # another project's server
            status, body = self.request(gw, "GET", "/compute/v2.1/servers?all_tenants=1", token="admin:admin")
            self.assertEqual((status, len(json.loads(body)["servers"])), (200, 12))
            self.assertEqual(self.request(gw, "GET", "/compute/v2.1/servers")[0], 401)
            self.assertEqual(self.request(gw, "GET", "/compute/v2.1/servers", token="no-colon")[0], 401)

    def test_tokens_expire(self):
        import os
        import tempfile
        import time
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"token_ttl_s": 1}, f)
        try:
            with Gateway(["--fleet", EXAMPLE_FLEET, "--config", f.name]) as gw:
                body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
                    "name": "demo", "domain": {"name": "Default"}, "password": "demo"}}},
                    "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}}
                conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
                conn.request("POST", "/identity/v3/auth/tokens", body=json.dumps(body),
                             headers={"Content-Type": "application/json"})
                r = conn.getresponse()
                token = r.getheader("X-Subject-Token")
                self.assertEqual(r.status, 201)
                r.read()
                conn.close()
                self.assertEqual(self.request(gw, "GET", "/compute/v2.1/servers", token=token)[0], 200)
                time.sleep(1.2)
                self.assertEqual(self.request(gw, "GET", "/compute/v2.1/servers", token=token)[0], 401)
        finally:
            os.unlink(f.name)


if __name__ == "__main__":
    unittest.main()
