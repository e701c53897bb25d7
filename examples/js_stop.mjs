// Stop a Transfer Family server with the AWS SDK for JavaScript, against `./dev run`:
//   node examples/js_stop.mjs s-0123456789abcde01
import { TransferClient, StopServerCommand, DescribeServerCommand } from "@aws-sdk/client-transfer";

const client = new TransferClient({ endpoint: "http://127.0.0.1:8780", region: "us-east-1",
                                    credentials: { accessKeyId: "test", secretAccessKey: "test" } });
const ServerId = process.argv[2];
await client.send(new StopServerCommand({ ServerId }));
const { Server } = await client.send(new DescribeServerCommand({ ServerId }));
console.log(ServerId, Server.State);
