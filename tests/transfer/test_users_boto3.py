"""boto3 against what a Transfer server needs: users, their SSH keys, host
keys, accesses, security policies and TestIdentityProvider. Every answer is
checked raw against botocore's output (or error) shape (shapes.ModelCheck);
every operation meets its error cases as AWS answers them: unknown server,
unknown user or key, duplicate, bad name, bad key, another account or region
(not found)."""
import http.client
import json
import os
import tempfile
import threading
import unittest

from botocore.exceptions import ClientError, ParamValidationError

from clients import transfer
from gateway import EXAMPLE_FLEET, Gateway
from keys import make_key
from shapes import ModelCheck

WEB1 = "s-0123456789abcde01"
ROLE = "arn:aws:iam::000000000000:role/transfer"


class Case(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def key(self, kind="ed25519", **kw):
        return make_key(self.tmp.name, kind, **kw)

    def client(self, gw, **kw):
        c = transfer(gw, **kw)
        checker = ModelCheck(c)
        self.addCleanup(lambda: self.assertGreater(checker.assert_conforms(), 0))
        return c

    def assertError(self, call, code, **members):
        with self.assertRaises(ClientError) as e:
            call()
        err = e.exception.response
        self.assertEqual(err["Error"]["Code"], code, err["Error"].get("Message"))
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(err["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"], code)
        for k, v in members.items():
            self.assertEqual(err.get(k, err["Error"].get(k)), v, k)
        return err


def raw(gw, target, body, key="test"):
    """A request boto3 would refuse to send (it checks required members and minimum lengths itself)."""
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
    conn.request("POST", "/", body=json.dumps(body), headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"TransferService.{target}",
        "Authorization": f"AWS4-HMAC-SHA256 Credential={key}/20260101/us-east-1/transfer/aws4_request, "
                         "SignedHeaders=host, Signature=00"})
    r = conn.getresponse()
    doc = json.loads(r.read() or b"{}")
    conn.close()
    return r.status, doc


class Users(Case):
    def test_a_user_and_its_keys_through_their_whole_life(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws = self.client(gw)
            ed = self.key("ed25519")
            created = aws.create_user(ServerId=WEB1, UserName="alice", Role=ROLE, HomeDirectory="/bucket/alice",
                                      SshPublicKeyBody=ed.public, Tags=[{"Key": "team", "Value": "data"}])
            self.assertEqual((created["ServerId"], created["UserName"]), (WEB1, "alice"))
            user = aws.describe_user(ServerId=WEB1, UserName="alice")
            self.assertEqual(user["ServerId"], WEB1)
            u = user["User"]
            self.assertEqual(u["Arn"], f"arn:aws:transfer:us-east-1:000000000000:user/{WEB1}/alice")
            self.assertEqual((u["HomeDirectory"], u["HomeDirectoryType"], u["Role"]), ("/bucket/alice", "PATH", ROLE))
            self.assertEqual(u["Tags"], [{"Key": "team", "Value": "data"}])
            [first] = u["SshPublicKeys"]
            self.assertRegex(first["SshPublicKeyId"], r"^key-[0-9a-f]{17}$")
            self.assertEqual(first["SshPublicKeyBody"], ed.public)
            self.assertEqual(first["DateImported"].year >= 2020, True)

            # One key of each type the service takes, up to the five a user may hold.
            for kind, bits in (("rsa", 2048), ("ecdsa", 256), ("ecdsa", 384), ("ecdsa", 521)):
                key = self.key(kind, bits=bits)
                r = aws.import_ssh_public_key(ServerId=WEB1, UserName="alice", SshPublicKeyBody=key.public)
                self.assertEqual((r["ServerId"], r["UserName"]), (WEB1, "alice"))
            err = self.assertError(lambda: aws.import_ssh_public_key(ServerId=WEB1, UserName="alice",
                                                                     SshPublicKeyBody=self.key("ed25519").public),
                                   "InvalidRequestException")
            self.assertIn("already has 5 SSH public keys", err["Error"]["Message"])
            self.assertError(lambda: aws.import_ssh_public_key(ServerId=WEB1, UserName="alice",
                                                               SshPublicKeyBody=ed.public + " another comment"),
                             "ResourceExistsException", Resource=first["SshPublicKeyId"], ResourceType="SshPublicKey")
            listed = aws.list_users(ServerId=WEB1)["Users"]
            self.assertEqual([(x["UserName"], x["SshPublicKeyCount"]) for x in listed], [("alice", 5)])
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["UserCount"], 1)

            aws.update_user(ServerId=WEB1, UserName="alice", HomeDirectoryType="LOGICAL",
                            HomeDirectoryMappings=[{"Entry": "/", "Target": "/bucket/alice"},
                                                   {"Entry": "/shared", "Target": "/bucket/shared"}],
                            PosixProfile={"Uid": 1000, "Gid": 100, "SecondaryGids": [5]})
            u = aws.describe_user(ServerId=WEB1, UserName="alice")["User"]
            self.assertEqual(u["HomeDirectoryType"], "LOGICAL")
            self.assertEqual(u["HomeDirectoryMappings"][1], {"Entry": "/shared", "Target": "/bucket/shared"})
            self.assertEqual(u["PosixProfile"], {"Uid": 1000, "Gid": 100, "SecondaryGids": [5]})

            aws.delete_ssh_public_key(ServerId=WEB1, UserName="alice", SshPublicKeyId=first["SshPublicKeyId"])
            self.assertEqual(len(aws.describe_user(ServerId=WEB1, UserName="alice")["User"]["SshPublicKeys"]), 4)
            aws.delete_user(ServerId=WEB1, UserName="alice")
            self.assertError(lambda: aws.describe_user(ServerId=WEB1, UserName="alice"), "ResourceNotFoundException",
                             Resource="alice", ResourceType="User", Message="Unknown user")
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["UserCount"], 0)

    def test_list_users_pages_through_the_paginator(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws = self.client(gw)
            names = [f"user{i:02d}" for i in range(11)]
            for name in reversed(names):
                aws.create_user(ServerId=WEB1, UserName=name, Role=ROLE)
            pages = list(aws.get_paginator("list_users").paginate(ServerId=WEB1, PaginationConfig={"PageSize": 4}))
            self.assertEqual([len(p["Users"]) for p in pages], [4, 4, 3])
            self.assertEqual([u["UserName"] for p in pages for u in p["Users"]], names)
            self.assertEqual({p["ServerId"] for p in pages}, {WEB1})
            self.assertError(lambda: aws.list_users(ServerId="s-0123456789abcde03", NextToken=pages[0]["NextToken"]),
                             "InvalidNextTokenException")

    def test_every_user_and_key_operation_meets_its_errors(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws = self.client(gw)
            ed = self.key()
            aws.create_user(ServerId=WEB1, UserName="alice", Role=ROLE, SshPublicKeyBody=ed.public)
            key_id = aws.describe_user(ServerId=WEB1, UserName="alice")["User"]["SshPublicKeys"][0]["SshPublicKeyId"]
            ghost = "s-0000000000000dead"
            unknown_server = dict(Resource=ghost, ResourceType="Server", Message="Unknown server")
            calls = {
                "CreateUser": lambda s: aws.create_user(ServerId=s, UserName="bob", Role=ROLE),
                "DescribeUser": lambda s: aws.describe_user(ServerId=s, UserName="alice"),
                "ListUsers": lambda s: aws.list_users(ServerId=s),
                "UpdateUser": lambda s: aws.update_user(ServerId=s, UserName="alice", HomeDirectory="/x"),
                "ImportSshPublicKey": lambda s: aws.import_ssh_public_key(ServerId=s, UserName="alice",
                                                                          SshPublicKeyBody=self.key().public),
                "DeleteSshPublicKey": lambda s: aws.delete_ssh_public_key(ServerId=s, UserName="alice",
                                                                          SshPublicKeyId=key_id),
                "DeleteUser": lambda s: aws.delete_user(ServerId=s, UserName="nobody"),
            }
            for name, call in calls.items():
                with self.subTest(name):
                    self.assertError(lambda: call(ghost), "ResourceNotFoundException", **unknown_server)
            # Unknown users and keys.
            for call in (lambda: aws.describe_user(ServerId=WEB1, UserName="carol"),
                         lambda: aws.update_user(ServerId=WEB1, UserName="carol", HomeDirectory="/x"),
                         lambda: aws.delete_user(ServerId=WEB1, UserName="carol"),
                         lambda: aws.import_ssh_public_key(ServerId=WEB1, UserName="carol",
                                                           SshPublicKeyBody=self.key().public),
                         lambda: aws.delete_ssh_public_key(ServerId=WEB1, UserName="carol", SshPublicKeyId=key_id)):
                self.assertError(call, "ResourceNotFoundException", Resource="carol", ResourceType="User")
            self.assertError(lambda: aws.delete_ssh_public_key(ServerId=WEB1, UserName="alice",
                                                               SshPublicKeyId="key-0000000000000dead"),
                             "ResourceNotFoundException", Resource="key-0000000000000dead", ResourceType="SshPublicKey")
            # Duplicates.
            self.assertError(lambda: aws.create_user(ServerId=WEB1, UserName="alice", Role=ROLE),
                             "ResourceExistsException", Resource="alice", ResourceType="User")
            self.assertError(lambda: aws.import_ssh_public_key(ServerId=WEB1, UserName="alice", SshPublicKeyBody=ed.public),
                             "ResourceExistsException", Resource=key_id, ResourceType="SshPublicKey")
            # Bad names: boto3 checks the length, the service the pattern.
            with self.assertRaises(ParamValidationError):
                aws.create_user(ServerId=WEB1, UserName="ab", Role=ROLE)
            for name in ("-alice", "al ice", "alice/x"):
                err = self.assertError(lambda: aws.create_user(ServerId=WEB1, UserName=name, Role=ROLE),
                                       "InvalidRequestException")
                self.assertIn(r"^[\w][\w@.-]{2,99}$", err["Error"]["Message"])
            status, body = raw(gw, "DescribeUser", {"ServerId": WEB1, "UserName": "ab"})
            self.assertEqual((status, body["__type"]), (400, "InvalidRequestException"))
            self.assertIn("Member must have length between 3 and 100", body["Message"])
            status, body = raw(gw, "CreateUser", {"ServerId": WEB1, "UserName": "dave"})
            self.assertIn("Value null at 'role'", body["Message"])
            # Bad keys: not a key, another type than it says, a DSA key, a private key.
            for bad in ("not a key", "ssh-rsa " + ed.public.split()[1], "ssh-dss AAAAB3NzaC1kc3MAAACBAP8=",
                        ed.private):
                err = self.assertError(lambda: aws.import_ssh_public_key(ServerId=WEB1, UserName="alice",
                                                                         SshPublicKeyBody=bad),
                                       "InvalidRequestException")
                self.assertTrue(err["Error"]["Message"].startswith("Unsupported or invalid SSH public key format"))
                self.assertError(lambda: aws.create_user(ServerId=WEB1, UserName="erin", Role=ROLE,
                                                         SshPublicKeyBody=bad), "InvalidRequestException")
            self.assertError(lambda: aws.describe_user(ServerId=WEB1, UserName="erin"), "ResourceNotFoundException")

    def test_another_account_or_region_finds_no_server(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json") as config:
            json.dump({"access_keys": [{"access_key": "AKIDOTHER", "secret_key": "x", "account": "222222222222"}]},
                      config)
            config.flush()
            with Gateway(["--fleet", EXAMPLE_FLEET, "--config", config.name]) as gw:
                aws = self.client(gw)
                aws.create_user(ServerId=WEB1, UserName="alice", Role=ROLE)
                for other in (self.client(gw, key="AKIDOTHER"), self.client(gw, region="eu-west-1")):
                    for call in (lambda: other.describe_user(ServerId=WEB1, UserName="alice"),
                                 lambda: other.list_users(ServerId=WEB1),
                                 lambda: other.create_user(ServerId=WEB1, UserName="mallory", Role=ROLE),
                                 lambda: other.delete_user(ServerId=WEB1, UserName="alice"),
                                 lambda: other.list_host_keys(ServerId=WEB1)):
                        self.assertError(call, "ResourceNotFoundException", Resource=WEB1, ResourceType="Server")
                arn = aws.describe_user(ServerId=WEB1, UserName="alice")["User"]["Arn"]
                self.assertError(lambda: self.client(gw, key="AKIDOTHER").list_tags_for_resource(Arn=arn),
                                 "AccessDeniedException")
                self.assertEqual([u["UserName"] for u in aws.list_users(ServerId=WEB1)["Users"]], ["alice"])

    def test_the_same_key_imported_at_once_from_many_threads_is_kept_once(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            transfer(gw).create_user(ServerId=WEB1, UserName="alice", Role=ROLE)
            key = self.key()
            outcomes = []

            def importer():
                try:
                    transfer(gw).import_ssh_public_key(ServerId=WEB1, UserName="alice", SshPublicKeyBody=key.public)
                    outcomes.append("ok")
                except ClientError as e:
                    outcomes.append(e.response["Error"]["Code"])

            threads = [threading.Thread(target=importer) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(sorted(outcomes), ["ResourceExistsException"] * 7 + ["ok"])
            keys = transfer(gw).describe_user(ServerId=WEB1, UserName="alice")["User"]["SshPublicKeys"]
            self.assertEqual([k["SshPublicKeyBody"] for k in keys], [key.public])

    def test_users_only_on_service_managed_servers(self):
        with Gateway([]) as gw:
            aws = self.client(gw)
            lambda_server = aws.create_server(IdentityProviderType="AWS_LAMBDA",
                                              IdentityProviderDetails={"Function": "arn:aws:lambda:us-east-1:"
                                                                       "000000000000:function:idp"})["ServerId"]
            err = self.assertError(lambda: aws.create_user(ServerId=lambda_server, UserName="alice", Role=ROLE),
                                   "InvalidRequestException")
            self.assertIn("AWS_LAMBDA", err["Error"]["Message"])
            self.assertError(lambda: aws.test_identity_provider(ServerId=lambda_server, UserName="alice"),
                             "InvalidRequestException")
            managed = aws.create_server()["ServerId"]
            err = self.assertError(lambda: aws.test_identity_provider(ServerId=managed, UserName="alice"),
                                   "InvalidRequestException")
            self.assertEqual(err["Error"]["Message"], f"{managed} not configured for external auth")
            self.assertError(lambda: aws.test_identity_provider(ServerId="s-0000000000000dead", UserName="alice"),
                             "ResourceNotFoundException", Message="Unknown server")


class HostKeys(Case):
    def test_host_keys_of_every_type_and_the_fingerprint_the_server_shows(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws = self.client(gw)
            generated = aws.describe_server(ServerId=WEB1)["Server"]["HostKeyFingerprint"]
            self.assertRegex(generated, r"^SHA256:[A-Za-z0-9+/]{43}=$")
            self.assertEqual(aws.list_host_keys(ServerId=WEB1)["HostKeys"], [])
            keys = [self.key("rsa", bits=3072, pem=True), self.key("ecdsa", bits=256), self.key("ecdsa", bits=521, pem=True),
                    self.key("ed25519"), self.key("rsa", bits=2048)]
            ids = []
            for i, key in enumerate(keys):
                r = aws.import_host_key(ServerId=WEB1, HostKeyBody=key.private, Description=f"key {i}",
                                        Tags=[{"Key": "n", "Value": str(i)}])
                self.assertEqual(r["ServerId"], WEB1)
                self.assertRegex(r["HostKeyId"], r"^hostkey-[0-9a-f]{17}$")
                ids.append(r["HostKeyId"])
            # The oldest imported key is the one the server shows.
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["HostKeyFingerprint"], keys[0].fingerprint)
            described = aws.describe_host_key(ServerId=WEB1, HostKeyId=ids[3])["HostKey"]
            self.assertEqual((described["Type"], described["HostKeyFingerprint"], described["Description"]),
                             ("ssh-ed25519", keys[3].fingerprint, "key 3"))
            self.assertEqual(described["Arn"], f"arn:aws:transfer:us-east-1:000000000000:host-key/{WEB1}/{ids[3]}")
            listed = [k for p in aws.get_paginator("list_host_keys").paginate(ServerId=WEB1) for k in p["HostKeys"]] \
                if aws.can_paginate("list_host_keys") else aws.list_host_keys(ServerId=WEB1)["HostKeys"]
            self.assertEqual([k["HostKeyId"] for k in listed], ids)
            self.assertEqual([k["Fingerprint"] for k in listed], [k.fingerprint for k in keys])
            self.assertEqual([k["Type"] for k in listed],
                             ["ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp521", "ssh-ed25519", "ssh-rsa"])
            page = aws.list_host_keys(ServerId=WEB1, MaxResults=2)
            self.assertEqual(len(page["HostKeys"]), 2)
            rest = aws.list_host_keys(ServerId=WEB1, NextToken=page["NextToken"])["HostKeys"]
            self.assertEqual([k["HostKeyId"] for k in page["HostKeys"] + rest], ids)

            aws.update_host_key(ServerId=WEB1, HostKeyId=ids[0], Description="retiring")
            self.assertEqual(aws.describe_host_key(ServerId=WEB1, HostKeyId=ids[0])["HostKey"]["Description"], "retiring")
            aws.delete_host_key(ServerId=WEB1, HostKeyId=ids[0])
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["HostKeyFingerprint"], keys[1].fingerprint)
            for i in ids[1:]:
                aws.delete_host_key(ServerId=WEB1, HostKeyId=i)
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["HostKeyFingerprint"], generated)

    def test_every_host_key_operation_meets_its_errors(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws = self.client(gw)
            key = self.key("ecdsa", bits=384)
            host_key_id = aws.import_host_key(ServerId=WEB1, HostKeyBody=key.private)["HostKeyId"]
            ghost, missing = "s-0000000000000dead", "hostkey-0000000000000dead"
            for call in (lambda s: aws.import_host_key(ServerId=s, HostKeyBody=self.key().private),
                         lambda s: aws.describe_host_key(ServerId=s, HostKeyId=host_key_id),
                         lambda s: aws.list_host_keys(ServerId=s),
                         lambda s: aws.update_host_key(ServerId=s, HostKeyId=host_key_id, Description="x"),
                         lambda s: aws.delete_host_key(ServerId=s, HostKeyId=host_key_id)):
                self.assertError(lambda: call(ghost), "ResourceNotFoundException", Resource=ghost, ResourceType="Server")
            for call in (lambda: aws.describe_host_key(ServerId=WEB1, HostKeyId=missing),
                         lambda: aws.update_host_key(ServerId=WEB1, HostKeyId=missing, Description="x"),
                         lambda: aws.delete_host_key(ServerId=WEB1, HostKeyId=missing)):
                self.assertError(call, "ResourceNotFoundException", Resource=missing, ResourceType="HostKey",
                                 Message="Unknown host key")
            self.assertError(lambda: aws.import_host_key(ServerId=WEB1, HostKeyBody=key.private),
                             "ResourceExistsException", Resource=host_key_id, ResourceType="HostKey")
            encrypted = self.key("ed25519", passphrase="secret")
            for bad, why in ((key.public, "not PEM"), (encrypted.private, "encrypted"), ("garbage", "not PEM")):
                err = self.assertError(lambda: aws.import_host_key(ServerId=WEB1, HostKeyBody=bad),
                                       "InvalidRequestException")
                self.assertIn(why, err["Error"]["Message"])
            err = self.assertError(lambda: aws.import_host_key(ServerId=WEB1, HostKeyBody=key.private,
                                                               Description="tab\tseparated"), "InvalidRequestException")
            self.assertIn(r"^[\p{Print}]*$", err["Error"]["Message"])
            status, body = raw(gw, "DescribeHostKey", {"ServerId": WEB1, "HostKeyId": "hostkey-1"})
            self.assertEqual(body["__type"], "InvalidRequestException")
            self.assertEqual(len(aws.list_host_keys(ServerId=WEB1)["HostKeys"]), 1)


class AccessesAndPolicies(Case):
    def test_accesses_on_a_directory_service_server(self):
        with Gateway([]) as gw:
            aws = self.client(gw)
            directory = aws.create_server(IdentityProviderType="AWS_DIRECTORY_SERVICE",
                                          IdentityProviderDetails={"DirectoryId": "d-1234567890"})["ServerId"]
            sid = "S-1-1-12-1234567890-123456789-1234567890-1234"
            r = aws.create_access(ServerId=directory, ExternalId=sid, Role=ROLE, HomeDirectory="/bucket/team")
            self.assertEqual((r["ServerId"], r["ExternalId"]), (directory, sid))
            self.assertError(lambda: aws.create_access(ServerId=directory, ExternalId=sid, Role=ROLE),
                             "ResourceExistsException", Resource=sid, ResourceType="Access")
            aws.update_access(ServerId=directory, ExternalId=sid, HomeDirectoryType="LOGICAL",
                              HomeDirectoryMappings=[{"Entry": "/", "Target": "/bucket/team"}])
            access = aws.describe_access(ServerId=directory, ExternalId=sid)
            self.assertEqual(access["Access"]["HomeDirectoryType"], "LOGICAL")
            self.assertEqual([a["ExternalId"] for a in aws.list_accesses(ServerId=directory)["Accesses"]], [sid])
            self.assertEqual(len([a for p in aws.get_paginator("list_accesses").paginate(ServerId=directory)
                                  for a in p["Accesses"]]), 1)
            aws.delete_access(ServerId=directory, ExternalId=sid)
            for call in (lambda: aws.describe_access(ServerId=directory, ExternalId=sid),
                         lambda: aws.update_access(ServerId=directory, ExternalId=sid, HomeDirectory="/x"),
                         lambda: aws.delete_access(ServerId=directory, ExternalId=sid)):
                self.assertError(call, "ResourceNotFoundException", Resource=sid, ResourceType="Access")
            ghost = "s-0000000000000dead"
            for call in (lambda: aws.create_access(ServerId=ghost, ExternalId=sid, Role=ROLE),
                         lambda: aws.list_accesses(ServerId=ghost),
                         lambda: aws.describe_access(ServerId=ghost, ExternalId=sid)):
                self.assertError(call, "ResourceNotFoundException", Resource=ghost, ResourceType="Server")
            self.assertError(lambda: aws.create_access(ServerId=directory, ExternalId="not-a-sid", Role=ROLE),
                             "InvalidRequestException")
            managed = aws.create_server()["ServerId"]
            self.assertError(lambda: aws.create_access(ServerId=managed, ExternalId=sid, Role=ROLE),
                             "InvalidRequestException")

    def test_security_policies_as_aws_publishes_them(self):
        with Gateway([]) as gw:
            aws = self.client(gw)
            names = [n for p in aws.get_paginator("list_security_policies").paginate(PaginationConfig={"PageSize": 4})
                     for n in p["SecurityPolicyNames"]]
            self.assertEqual(len(names), 15)
            self.assertEqual(names, sorted(names))
            for name in names:
                policy = aws.describe_security_policy(SecurityPolicyName=name)["SecurityPolicy"]
                self.assertEqual(policy["SecurityPolicyName"], name)
                self.assertEqual(policy["Fips"], "FIPS" in name)
                self.assertTrue(policy["SshCiphers"] and policy["SshKexs"] and policy["SshMacs"] and policy["TlsCiphers"])
            default = aws.describe_security_policy(SecurityPolicyName="TransferSecurityPolicy-2024-01")["SecurityPolicy"]
            self.assertEqual(default["SshMacs"], ["hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com"])
            self.assertNotIn("chacha20-poly1305@openssh.com", aws.describe_security_policy(
                SecurityPolicyName="TransferSecurityPolicy-Restricted-2018-11")["SecurityPolicy"]["SshCiphers"])
            created = aws.create_server()["ServerId"]
            self.assertEqual(aws.describe_server(ServerId=created)["Server"]["SecurityPolicyName"],
                             "TransferSecurityPolicy-2024-01")
            self.assertError(lambda: aws.describe_security_policy(SecurityPolicyName="TransferSecurityPolicy-1999-01"),
                             "ResourceNotFoundException", Resource="TransferSecurityPolicy-1999-01",
                             ResourceType="SecurityPolicy")
            self.assertError(lambda: aws.update_server(ServerId=created, SecurityPolicyName="TransferSecurityPolicy-x"),
                             "InvalidRequestException")
            self.assertError(lambda: aws.list_security_policies(NextToken="not-ours"), "InvalidNextTokenException")


class WhatHangsOnAServer(Case):
    def test_tags_on_users_and_host_keys(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws = self.client(gw)
            aws.create_user(ServerId=WEB1, UserName="alice", Role=ROLE)
            user_arn = aws.describe_user(ServerId=WEB1, UserName="alice")["User"]["Arn"]
            key_id = aws.import_host_key(ServerId=WEB1, HostKeyBody=self.key().private)["HostKeyId"]
            key_arn = aws.describe_host_key(ServerId=WEB1, HostKeyId=key_id)["HostKey"]["Arn"]
            for arn in (user_arn, key_arn):
                aws.tag_resource(Arn=arn, Tags=[{"Key": "team", "Value": "data"}, {"Key": "env", "Value": "test"}])
                aws.untag_resource(Arn=arn, TagKeys=["env"])
                self.assertEqual(aws.list_tags_for_resource(Arn=arn)["Tags"], [{"Key": "team", "Value": "data"}])
            self.assertEqual(aws.describe_user(ServerId=WEB1, UserName="alice")["User"]["Tags"],
                             [{"Key": "team", "Value": "data"}])
            self.assertError(lambda: aws.tag_resource(Arn=user_arn.replace("alice", "bob"),
                                                      Tags=[{"Key": "k", "Value": "v"}]),
                             "ResourceNotFoundException", Resource="bob", ResourceType="User")

    def test_deleting_a_server_deletes_what_hangs_on_it_and_the_journal_names_it(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws = self.client(gw)
            created = aws.create_server()["ServerId"]
            aws.create_user(ServerId=created, UserName="alice", Role=ROLE, SshPublicKeyBody=self.key().public)
            aws.import_host_key(ServerId=created, HostKeyBody=self.key().private)
            _, logins = gw.control("GET", f"/_gateway/servers/{created}/logins")
            self.assertEqual([u["name"] for u in logins["users"]], ["alice"])
            self.assertEqual(len(logins["host_keys"]), 1)
            aws.delete_server(ServerId=created)
            self.assertError(lambda: aws.describe_user(ServerId=created, UserName="alice"), "ResourceNotFoundException",
                             ResourceType="Server")
            status, _ = gw.control("GET", f"/_gateway/servers/{created}/logins")
            self.assertEqual(status, 404)
            _, entries = gw.control("GET", f"/_gateway/journal?server={created}")
            self.assertEqual([e["operation"] for e in entries["entries"]],
                             ["CreateServer", "CreateUser", "ImportHostKey", "DeleteServer", "DescribeUser"])
            create_user = entries["entries"][1]
            self.assertEqual((create_user["action"], create_user["result"], create_user["server"]["server_id"]),
                             ("update", "accepted", created))
            _, users = gw.control("GET", "/_gateway/journal?operation=CreateUser&count=true")
            self.assertEqual(users["count"], 1)


class KeptAndShown(Case):
    """--state (kill -9 safe), snapshots, reset, the control plane's view and /metrics."""

    def populate(self, aws):
        self.user_key = self.key("ecdsa", bits=256)
        self.host = self.key("rsa", bits=2048, pem=True)
        aws.create_user(ServerId=WEB1, UserName="alice", Role=ROLE, HomeDirectory="/bucket/alice",
                        SshPublicKeyBody=self.user_key.public, PosixProfile={"Uid": 1000, "Gid": 1000})
        host_key_id = aws.import_host_key(ServerId=WEB1, HostKeyBody=self.host.private, Description="kept")["HostKeyId"]
        generated = aws.describe_server(ServerId="s-0123456789abcde03")["Server"]["HostKeyFingerprint"]
        return host_key_id, generated

    def assertPopulated(self, aws, host_key_id, generated):
        user = aws.describe_user(ServerId=WEB1, UserName="alice")["User"]
        self.assertEqual(user["HomeDirectory"], "/bucket/alice")
        self.assertEqual(user["PosixProfile"], {"Uid": 1000, "Gid": 1000})
        self.assertEqual([k["SshPublicKeyBody"] for k in user["SshPublicKeys"]], [self.user_key.public])
        self.assertEqual(aws.describe_host_key(ServerId=WEB1, HostKeyId=host_key_id)["HostKey"]["Description"], "kept")
        self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["HostKeyFingerprint"], self.host.fingerprint)
        self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["UserCount"], 1)
        # A server with no imported key keeps presenting the same generated one.
        self.assertEqual(aws.describe_server(ServerId="s-0123456789abcde03")["Server"]["HostKeyFingerprint"], generated)

    def test_kill_9_loses_no_answered_change(self):
        state = os.path.join(self.tmp.name, "state.db")
        with Gateway(["--fleet", EXAMPLE_FLEET, "--state", state]) as gw:
            aws = transfer(gw)
            host_key_id, generated = self.populate(aws)
            aws.create_user(ServerId=WEB1, UserName="bob", Role=ROLE)
            aws.delete_user(ServerId=WEB1, UserName="bob")
            gw.kill()
        with Gateway(["--state", state]) as gw:
            aws = self.client(gw)
            self.assertPopulated(aws, host_key_id, generated)
            self.assertError(lambda: aws.describe_user(ServerId=WEB1, UserName="bob"), "ResourceNotFoundException")
            # The changes' journal entries were kept with them.
            _, kept = gw.control("GET", "/_gateway/journal?api=transfer")
            changes = [(e["operation"], e["action"], e["server"]["server_id"]) for e in kept["entries"] if e["action"]]
            self.assertEqual(changes, [("CreateUser", "update", WEB1), ("ImportHostKey", "update", WEB1),
                                       ("CreateUser", "update", WEB1), ("DeleteUser", "update", WEB1)])
            # Deleting the server after the restart deletes its users for good.
            aws.delete_server(ServerId=WEB1)
            gw.kill()
        with Gateway(["--state", state]) as gw:
            self.assertError(lambda: transfer(gw).list_users(ServerId=WEB1), "ResourceNotFoundException")
            self.assertEqual(gw.control("GET", "/metrics")[1].count('lifecycle_logins{kind="user"} 0'), 1)

    def test_snapshots_carry_users_and_host_keys_and_a_reset_returns_to_the_fleet(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws = transfer(gw)
            host_key_id, generated = self.populate(aws)
            _, snapshot = gw.control("GET", "/_gateway/snapshot")
            kinds = sorted({d["kind"] for d in snapshot["documents"] if d["kind"].startswith("login-")})
            self.assertEqual(kinds, ["login-host-key", "login-user"])  # the generated keys' secret stays home
            gw.control("POST", "/_gateway/reset", {})
            self.assertEqual(aws.list_users(ServerId=WEB1)["Users"], [])
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["HostKeyFingerprint"],
                             aws.describe_server(ServerId=WEB1)["Server"]["HostKeyFingerprint"])
            self.assertEqual(aws.describe_server(ServerId="s-0123456789abcde03")["Server"]["HostKeyFingerprint"],
                             generated)
            status, _ = gw.control("POST", "/_gateway/snapshot", snapshot)
            self.assertEqual(status, 200)
            self.assertPopulated(aws, host_key_id, generated)
        # Another gateway loads the snapshot as a fleet file: the users and imported keys come along.
        path = os.path.join(self.tmp.name, "snapshot.json")
        with open(path, "w") as f:
            json.dump(snapshot, f)
        with Gateway(["--fleet", path]) as gw:
            aws = self.client(gw)
            self.assertEqual(aws.describe_server(ServerId=WEB1)["Server"]["HostKeyFingerprint"], self.host.fingerprint)
            self.assertEqual([u["UserName"] for u in aws.list_users(ServerId=WEB1)["Users"]], ["alice"])

    def test_the_control_plane_shows_a_servers_logins_and_metrics_count_them(self):
        with Gateway(["--fleet", EXAMPLE_FLEET]) as gw:
            aws = transfer(gw)
            self.populate(aws)
            _, view = gw.control("GET", f"/_gateway/servers/{WEB1}/logins")
            self.assertEqual(view["server_id"], WEB1)
            [alice] = view["users"]
            self.assertEqual((alice["name"], alice["home"]["directory"], alice["posix"]["uid"]),
                             ("alice", "/bucket/alice", 1000))
            self.assertEqual([k["fingerprint"] for k in alice["public_keys"]], [self.user_key.fingerprint])
            self.assertEqual([k["fingerprint"] for k in view["host_keys"]], [self.host.fingerprint])
            self.assertEqual([(k["fingerprint"], k["generated"]) for k in view["presented_host_keys"]],
                             [(self.host.fingerprint, False)])
            self.assertNotIn("PRIVATE", json.dumps(view))
            # Either identity, any tenant.
            uuid = view["id"]
            self.assertEqual(gw.control("GET", f"/_gateway/servers/{uuid}/logins")[1]["server_id"], WEB1)
            _, other = gw.control("GET", "/_gateway/servers/s-0123456789abcde08/logins")
            self.assertEqual([(k["type"], k["generated"]) for k in other["presented_host_keys"]],
                             [("ssh-ed25519", True)])
            self.assertEqual(gw.control("GET", "/_gateway/servers/s-0000000000000dead/logins")[0], 404)
            web1 = [s for s in gw.control("GET", "/_gateway/servers")[1]["servers"] if s["server_id"] == WEB1][0]
            self.assertEqual(web1["users"], 1)
            metrics = gw.control("GET", "/metrics")[1]
            for line in ('lifecycle_logins{kind="user"} 1', 'lifecycle_logins{kind="ssh_public_key"} 1',
                         'lifecycle_logins{kind="host_key"} 1', 'lifecycle_logins{kind="access"} 0',
                         'lifecycle_requests_total{api="transfer",operation="CreateUser",status="200"} 1'):
                self.assertIn(line, metrics)


if __name__ == "__main__":
    unittest.main()
