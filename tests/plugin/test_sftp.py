"""The lifecycle_gateway_sftp fixture: a test gets an SFTP endpoint and a
ready user, and what it transferred is in the journal."""


def test_the_sftp_fixture_gives_an_endpoint_and_a_ready_user(lifecycle_gateway_sftp, lifecycle_gateway):
    endpoint = lifecycle_gateway_sftp
    assert endpoint.host == "127.0.0.1" and endpoint.port > 0
    with endpoint.connect() as sftp:
        with sftp.open("hello.txt", "w") as f:
            f.write(b"hello")
        assert sftp.listdir(".") == ["hello.txt"]
        assert sftp.open("hello.txt").read() == b"hello"
    writes = [e for e in lifecycle_gateway.journal(api="sftp", operation="write")]
    assert [(e["path"], e["bytes"]) for e in writes] == [("/bucket/alice/hello.txt", 5)]


def test_a_stopped_server_refuses_the_fixture_user(lifecycle_gateway_sftp, lifecycle_gateway):
    client = lifecycle_gateway.transfer_client()
    client.stop_server(ServerId=lifecycle_gateway_sftp.server_id)
    lifecycle_gateway.wait_for(lifecycle_gateway_sftp.server_id, "OFFLINE")
    try:
        with lifecycle_gateway_sftp.connect(timeout=3):
            raise AssertionError("an OFFLINE server accepted a login")
    except OSError:
        pass
