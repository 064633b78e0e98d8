// The ZooKeeper wire protocol: pure functions over bytes, shared by server and client.
export * from './constants.ts';
export * from './jute/reader.ts';
export * from './jute/writer.ts';
export * from './records.ts';
export * from './requests.ts';
export * from './responses.ts';
export * from './connect.ts';
export * from './framing.ts';
