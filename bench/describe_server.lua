-- DescribeServer of one server (SERVER_ID in the environment), on the
-- gateway or on moto_server: the call both implement.
wrk.method = "POST"
wrk.path = "/"
wrk.body = '{"ServerId":"' .. os.getenv("SERVER_ID") .. '"}'
wrk.headers["X-Amz-Target"] = "TransferService.DescribeServer"
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
wrk.headers["X-Amz-Date"] = "20260101T000000Z"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/transfer/aws4_request, " ..
                               "SignedHeaders=host;x-amz-date, Signature=0000"

done = dofile(os.getenv("BENCH_DIR") .. "/report.lua")
