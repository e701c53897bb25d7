"""boto3 against the Transfer adapter: every error by Error.Code and status,
the paginator over more than 1000 servers, the waiters, tags, regions, and
--sigv4 verify."""
import datetime
import http.client
import json
import os
import tempfile
import unittest
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from botocore.exceptions import ClientError, WaiterError

from clients import transfer
from gateway import EXAMPLE_FLEET, Gateway
from shapes import ModelCheck

WEB1 = "s-0123456789abcde01"


class Errors(unittest.TestCase):
    def assertError(self, call, code, status, **members):
        with self.assertRaises(ClientError) as e:
            call()
        err = e.exception.response
        self.assertEqual(err["Error"]["Code"], code)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status)
        headers = err["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(headers["x-amzn-errortype"], code)
        self.assertTrue(headers["x-amzn-requestid"])
        for k, v in members.items():
            self.assertEqual(err.get(k, err["Error"].get(k)), v, k)
        return err

    def test_every_error(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws = transfer(gw)
            err = self.assertError(lambda: aws.stop_server(ServerId="s-0000000000000dead"),
                                   "ResourceNotFoundException", 400, Message="Unknown server")
            self.assertEqual(err["Resource"], "s-0000000000000dead")
            self.assertEqual(err["ResourceType"], "Server")
            # The pattern: botocore checks only the length, so this reaches the service.
            err = self.assertError(lambda: aws.stop_server(ServerId="s-0123456789ABCDEF0"), "InvalidRequestException", 400)
            self.assertIn("^s-([0-9a-f]{17})$", err["Error"]["Message"])
            self.assertError(lambda: aws.list_servers(NextToken="not-ours"), "InvalidNextTokenException", 400)
            # botocore checks only the minimum of a range or a list: the maximum is the service's.
            err = self.assertError(lambda: aws.list_servers(MaxResults=1001), "InvalidRequestException", 400)
            self.assertIn("maxResults", err["Error"]["Message"])
            too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
            self.assertError(lambda: aws.create_server(Tags=too_many), "InvalidRequestException", 400)
            self.assertError(lambda: aws.create_server(Protocols=["SFTP"] * 5), "InvalidRequestException", 400)
            self.assertError(lambda: aws.list_tags_for_resource(Arn="arn:aws:transfer:us-east-1:000000000000:user/s-0/u"),
                             "ResourceNotFoundException", 400)
            gw.control("POST", "/_gateway/faults", {"match": {"operation": "DescribeServer"},
                                                    "effect": {"error": "throttled", "retry_after_s": 2}, "count": 1})
            err = self.assertError(lambda: aws.describe_server(ServerId=WEB1), "ThrottlingException", 400)
            self.assertEqual(err["RetryAfterSeconds"], "2")
            self.assertEqual(err["ResponseMetadata"]["HTTPHeaders"]["retry-after"], "2")
            gw.control("POST", "/_gateway/faults", {"match": {"operation": "DescribeServer"},
                                                    "effect": {"error": "unavailable"}, "count": 1})
            self.assertError(lambda: aws.describe_server(ServerId=WEB1), "ServiceUnavailableException", 500)
            gw.control("POST", "/_gateway/faults", {"match": {"operation": "DescribeServer"},
                                                    "effect": {"error": "internal"}, "count": 1})
            self.assertError(lambda: aws.describe_server(ServerId=WEB1), "InternalServiceError", 500)
            # The starting -> stop conflict, with a transition under way.
            gw.control("POST", "/_gateway/clock", {"mode": "virtual"})
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["State"], "ONLINE")

    def test_state_rules(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "1000"]) as gw:
            gw.control("POST", "/_gateway/clock", {"mode": "virtual"})
            aws = transfer(gw)
            r = aws.stop_server(ServerId=WEB1)
            self.assertEqual(r["ResponseMetadata"]["HTTPHeaders"]["billing-note"],
                             "server remains billable while stopped; delete it to stop billing")
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["State"], "STOPPING")
            aws.stop_server(ServerId=WEB1)  # already stopping: 200, no change
            self.assertError(lambda: aws.start_server(ServerId=WEB1), "InvalidRequestException", 400)
            gw.control("POST", "/_gateway/clock", {"advance_ms": 1000})
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["State"], "OFFLINE")
            aws.stop_server(ServerId=WEB1)  # already offline: 200
            aws.start_server(ServerId=WEB1)
            self.assertError(lambda: aws.stop_server(ServerId=WEB1), "InvalidRequestException", 400)  # STARTING
            gw.control("POST", "/_gateway/clock", {"advance_ms": 1000})
            aws.start_server(ServerId=WEB1)  # already online: 200
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["State"], "ONLINE")
            # The locked db-primary: refused unless the key is an admin's.
            err = self.assertError(lambda: aws.stop_server(ServerId="s-0123456789abcde04"), "InvalidRequestException", 400)
            self.assertIn("locked", err["Error"]["Message"])
            transfer(gw, key="admin").stop_server(ServerId="s-0123456789abcde04")

    def test_bad_input_gets_transfer_errors(self):
        with Gateway([]) as gw:
            def raw(body, target="TransferService.DescribeServer", auth=True, extra=None):
                headers = {"Content-Type": "application/x-amz-json-1.1"}
                if target:
                    headers["X-Amz-Target"] = target
                if auth:
                    headers["Authorization"] = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/transfer/"
                                                "aws4_request, SignedHeaders=host, Signature=00")
                headers.update(extra or {})
                conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
                conn.request("POST", "/", body=body, headers=headers)
                r = conn.getresponse()
                data = r.read()
                conn.close()
                self.assertEqual(r.getheader("Content-Type"), "application/x-amz-json-1.1")
                self.assertTrue(r.getheader("x-amzn-RequestId"))
                doc = json.loads(data)
                self.assertEqual(doc["__type"], r.getheader("x-amzn-ErrorType"))
                return r.status, doc["__type"], doc["Message"]

            self.assertEqual(raw(b"{not json")[:2], (400, "SerializationException"))
            self.assertEqual(raw(b'{"ServerId": "\xff\xfe"}')[:2], (400, "SerializationException"))
            self.assertEqual(raw(b"[1,2]")[:2], (400, "InvalidRequestException"))
            self.assertEqual(raw(b'{"ServerId": 5}')[:2], (400, "InvalidRequestException"))
            self.assertEqual(raw(b"{}")[:2], (400, "InvalidRequestException"))  # ServerId missing
            self.assertEqual(raw(b"null")[:2], (400, "InvalidRequestException"))
            self.assertEqual(raw(b'{"MaxResults": "5"}', target="TransferService.ListServers")[:2],
                             (400, "InvalidRequestException"))
            self.assertEqual(raw(b'{"Tags": {"Key": "k"}}', target="TransferService.CreateServer")[:2],
                             (400, "InvalidRequestException"))
            self.assertEqual(raw(b'{"ServerId": ' + b"[" * 50000 + b"]" * 50000 + b"}")[:2],
                             (400, "InvalidRequestException"))
            self.assertEqual(raw(b"[" * 100000 + b"]" * 100000)[:2], (400, "InvalidRequestException"))
            self.assertEqual(raw(b"{}", target="TransferService.Frobnicate")[:2], (400, "UnknownOperationException"))
            self.assertEqual(raw(b"{}", target=None)[:2], (400, "UnknownOperationException"))
            self.assertEqual(raw(b"{}", auth=False)[:2], (400, "MissingAuthenticationTokenException"))
            self.assertEqual(raw(b"{}", extra={"Authorization": "Basic abc"})[:2], (400, "AccessDeniedException"))
            status, kind, message = raw(b'{"ServerId": "' + b"a" * (2 << 20) + b'"}')
            self.assertEqual((status, kind), (413, "InvalidRequestException"))
            # ...and the gateway still answers.
            self.assertEqual(raw(b'{"ServerId": "s-0000000000000dead"}')[:2], (400, "ResourceNotFoundException"))


class ModelConformance(unittest.TestCase):
    def test_every_server_operation_answers_in_its_output_or_error_shape(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws = transfer(gw)
            checker = ModelCheck(aws)
            created = aws.create_server(Protocols=["SFTP", "FTPS"], Tags=[{"Key": "Name", "Value": "shaped"}])["ServerId"]
            aws.describe_server(ServerId=created)
            aws.list_servers(MaxResults=3)
            aws.update_server(ServerId=created, EndpointType="VPC")
            aws.stop_server(ServerId=WEB1)
            aws.start_server(ServerId=WEB1)
            arn = aws.describe_server(ServerId=WEB1)["Server"]["Arn"]
            aws.tag_resource(Arn=arn, Tags=[{"Key": "k", "Value": "v"}])
            aws.list_tags_for_resource(Arn=arn)
            aws.untag_resource(Arn=arn, TagKeys=["k"])
            for failing in (lambda: aws.describe_server(ServerId="s-0000000000000dead"),
                            lambda: aws.stop_server(ServerId="s-0123456789abcde04"),
                            lambda: aws.list_servers(NextToken="not-ours")):
                with self.assertRaises(ClientError):
                    failing()
            aws.delete_server(ServerId=created)
            self.assertEqual(checker.assert_conforms(), 14)


class Listing(unittest.TestCase):
    def test_paginator_over_more_than_1000_servers_returns_each_once(self):
        servers = [{"account": "000000000000", "region": "us-east-1", "state": "running",
                    "server_id": f"s-{i:017x}"} for i in range(1, 1206)]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"servers": servers, "tenants": []}, f)
        try:
            with Gateway(["--fleet", f.name]) as gw:
                pages = list(transfer(gw).get_paginator("list_servers").paginate(PaginationConfig={"PageSize": 1000}))
                self.assertEqual(len(pages), 2)
                ids = [s["ServerId"] for p in pages for s in p["Servers"]]
                self.assertEqual(len(ids), 1205)
                self.assertEqual(len(set(ids)), 1205)
                self.assertEqual(ids[0], "s-00000000000000001")
                small = list(transfer(gw).get_paginator("list_servers").paginate(PaginationConfig={"PageSize": 7}))
                self.assertEqual(sum(len(p["Servers"]) for p in small), 1205)
                # A token is bound to its tenant: another account cannot use it.
                token = pages[0]["NextToken"]
                with self.assertRaises(ClientError) as e:
                    transfer(gw, region="eu-west-1").list_servers(NextToken=token)
                self.assertEqual(e.exception.response["Error"]["Code"], "InvalidNextTokenException")
        finally:
            os.unlink(f.name)


class WaitersTagsRegions(unittest.TestCase):
    def test_waiters_with_a_short_delay(self):
        with Gateway(["--fleet", EXAMPLE_FLEET, "--transition-ms", "1500"]) as gw:
            aws = transfer(gw)
            aws.stop_server(ServerId=WEB1)
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["State"], "STOPPING")
            aws.get_waiter("server_offline").wait(ServerId=WEB1, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["State"], "OFFLINE")
            aws.start_server(ServerId=WEB1)
            aws.get_waiter("server_online").wait(ServerId=WEB1, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
            gw.control("POST", "/_gateway/faults", {"match": {"operation": "StartServer"},
                                                    "effect": {"fail_transition": True}, "count": 1})
            aws.stop_server(ServerId=WEB1)
            aws.get_waiter("server_offline").wait(ServerId=WEB1, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
            aws.start_server(ServerId=WEB1)
            with self.assertRaises(WaiterError):
                aws.get_waiter("server_online").wait(ServerId=WEB1, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["State"], "START_FAILED")

    def test_tags_round_trip(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws = transfer(gw)
            arn = aws.describe_server(ServerId=WEB1)["Server"]["Arn"]
            aws.tag_resource(Arn=arn, Tags=[{"Key": "team", "Value": "data"}, {"Key": "env", "Value": "test"}])
            aws.tag_resource(Arn=arn, Tags=[{"Key": "team", "Value": "ops"}])
            tags = aws.list_tags_for_resource(Arn=arn)
            self.assertEqual(tags["Arn"], arn)
            self.assertEqual(tags["Tags"], [{"Key": "team", "Value": "ops"}, {"Key": "env", "Value": "test"}])
            aws.untag_resource(Arn=arn, TagKeys=["team"])
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["Tags"], [{"Key": "env", "Value": "test"}])
            with self.assertRaises(ClientError) as e:
                aws.tag_resource(Arn=arn.replace("us-east-1", "eu-west-1"), Tags=[{"Key": "k", "Value": "v"}])
            self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")
            self.assertEqual(aws.update_server(ServerId=WEB1, Protocols=["SFTP", "FTPS"])["ServerId"], WEB1)
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["Protocols"], ["SFTP", "FTPS"])

    def test_regions_and_accounts_isolate(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            east = transfer(gw)
            west = transfer(gw, region="eu-west-1")
            created = west.create_server()["ServerId"]
            self.assertEqual(west.describe_server(ServerId=created)["Server"]["Arn"],
                             f"arn:aws:transfer:eu-west-1:000000000000:server/{created}")
            with self.assertRaises(ClientError) as e:
                east.describe_server(ServerId=created)
            self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")
            with self.assertRaises(ClientError):
                west.describe_server(ServerId=WEB1)
            self.assertEqual([s["ServerId"] for s in west.list_servers()["Servers"]], [created])
            self.assertEqual(len(east.list_servers()["Servers"]), 7)  # project demo's servers


class Accounts(unittest.TestCase):
    def test_accounts_isolate_and_foreign_arns_are_denied(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"access_keys": [{"access_key": "AKIDOTHER", "secret_key": "x", "account": "222222222222"}]}, f)
        try:
            with Gateway(["--fleet", EXAMPLE_FLEET, "--config", f.name]) as gw:
                mine, other = transfer(gw), transfer(gw, key="AKIDOTHER")
                arn = mine.describe_server(ServerId=WEB1)["Server"]["Arn"]
                with self.assertRaises(ClientError) as e:
                    other.stop_server(ServerId=WEB1)
                self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")
                self.assertEqual(other.list_servers()["Servers"], [])
                for call in (lambda: other.list_tags_for_resource(Arn=arn),
                             lambda: other.tag_resource(Arn=arn, Tags=[{"Key": "k", "Value": "v"}])):
                    with self.assertRaises(ClientError) as e:
                        call()
                    self.assertEqual(e.exception.response["Error"]["Code"], "AccessDeniedException")
                    self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
                self.assertEqual(mine.list_tags_for_resource(Arn=arn)["Tags"], [])
                created = other.create_server()["ServerId"]
                self.assertIn(":222222222222:", other.describe_server(ServerId=created)["Server"]["Arn"])
                self.assertNotIn(created, [s["ServerId"] for s in mine.list_servers()["Servers"]])
        finally:
            os.unlink(f.name)


def signed_call(gw, key, secret, target, body, when, tamper=None):
    """One request signed by botocore's SigV4Auth as of `when`; returns (status, __type or None)."""
    request = AWSRequest(method="POST", url=gw.url + "/", data=body,
                         headers={"X-Amz-Target": f"TransferService.{target}",
                                  "Content-Type": "application/x-amz-json-1.1"})
    with mock.patch("botocore.auth.datetime") as clock:
        clock.datetime.utcnow.return_value = when
        clock.datetime.now.return_value = when
        SigV4Auth(Credentials(key, secret), "transfer", "us-east-1").add_auth(request)
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    conn.request("POST", "/", body=tamper if tamper is not None else body, headers=dict(request.headers.items()))
    r = conn.getresponse()
    doc = json.loads(r.read() or b"{}")
    conn.close()
    return r.status, doc.get("__type")


class SigV4Verify(unittest.TestCase):
    def test_clock_skew_and_tampered_bodies(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"access_keys": [{"access_key": "AKIDVERIFY", "secret_key": "s3cr3t"}]}, f)
        try:
            with Gateway(["--sigv4", "verify", "--config", f.name]) as gw:
                now = datetime.datetime.utcnow()
                body = b'{"MaxResults": 5}'
                self.assertEqual(signed_call(gw, "AKIDVERIFY", "s3cr3t", "ListServers", body, now), (200, None))
                self.assertEqual(signed_call(gw, "AKIDVERIFY", "s3cr3t", "ListServers", body,
                                             now - datetime.timedelta(minutes=10)), (200, None))
                for skew in (-20, 20):
                    self.assertEqual(signed_call(gw, "AKIDVERIFY", "s3cr3t", "ListServers", body,
                                                 now + datetime.timedelta(minutes=skew)),
                                     (400, "AccessDeniedException"), skew)
                self.assertEqual(signed_call(gw, "AKIDVERIFY", "s3cr3t", "ListServers", body, now,
                                             tamper=b'{"MaxResults": 6}'), (400, "AccessDeniedException"))
                # The default admin key signs with its secret, "admin".
                self.assertEqual(signed_call(gw, "admin", "admin", "ListServers", b"{}", now), (200, None))
        finally:
            os.unlink(f.name)

    def test_right_and_wrong_secret(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"access_keys": [{"access_key": "AKIDVERIFY", "secret_key": "s3cr3t",
                                        "account": "222222222222"}]}, f)
        try:
            with Gateway(["--sigv4", "verify", "--config", f.name]) as gw:
                good = transfer(gw, key="AKIDVERIFY", secret="s3cr3t")
                created = good.create_server()["ServerId"]
                self.assertIn(":222222222222:", good.describe_server(ServerId=created)["Server"]["Arn"])
                for client in (transfer(gw, key="AKIDVERIFY", secret="wrong"), transfer(gw, key="NOSUCHKEY")):
                    with self.assertRaises(ClientError) as e:
                        client.describe_server(ServerId=created)
                    self.assertEqual(e.exception.response["Error"]["Code"], "AccessDeniedException")
                    self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        finally:
            os.unlink(f.name)


if __name__ == "__main__":
    unittest.main()
