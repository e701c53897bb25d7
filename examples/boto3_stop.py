#!/usr/bin/python3
"""Stop a Transfer Family server with boto3, against `./dev run`.

    examples/boto3_stop.py s-0123456789abcde01
"""
import sys

import boto3

transfer = boto3.client("transfer", endpoint_url="http://127.0.0.1:8780", region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")
server_id = sys.argv[1]
answer = transfer.stop_server(ServerId=server_id)
print("billing note:", answer["ResponseMetadata"]["HTTPHeaders"].get("billing-note"))
transfer.get_waiter("server_offline").wait(ServerId=server_id, WaiterConfig={"Delay": 1})
print(server_id, transfer.describe_server(ServerId=server_id)["Server"]["State"])
