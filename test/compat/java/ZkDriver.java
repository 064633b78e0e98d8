// ZkDriver: drives the Apache ZooKeeper Java client from a JSON-lines script (written for this
// project). Usage: java -cp <zookeeper jars>:<classes> ZkDriver <connectString>
//
// stdin:  one operation per line, e.g. {"op":"create","client":"a","path":"/x","data":"v"}
// stdout: one result per operation, in order: {"op":..,"label":..,"ok":true,...values} or
//         {"op":..,"ok":false,"code":<KeeperException code>,"name":<Code name>} (KeeperException)
//         {"op":..,"ok":false,"exception":<class>,"message":..} (client-side failure).
// Several sessions can be used at once: "client" names one (default "a"); "connect" opens it
// (implicitly on first use). "watch": true sets the client's default watcher, a string names a
// separate watcher. "waitEvents" returns and drains the watch events a client has received.
// Lists whose order the server leaves unspecified (children, ephemerals, whoAmI) are sorted.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.jute.Record;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.Create2Response;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateResponse;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetChildrenResponse;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetDataResponse;

public final class ZkDriver {
    /** A ZooKeeper handle that can also send requests the public API would refuse to send. */
    static final class Session extends ZooKeeper {
        Session(String connectString, int timeoutMs, Watcher watcher) throws java.io.IOException {
            super(connectString, timeoutMs, watcher);
        }

        ReplyHeader raw(int type, Record request, Record response) throws InterruptedException {
            return cnxn.submitRequest(new RequestHeader(0, type), request, response, null);
        }
    }

    static final class Client {
        Session zk;
        final List<Map<String, Object>> events = new ArrayList<>();
        final Map<String, Watcher> watchers = new HashMap<>();
        final CountDownLatch connected = new CountDownLatch(1);

        synchronized void record(String tag, WatchedEvent e) {
            events.add(Codec.event(tag, e));
            notifyAll();
        }

        Watcher watcher(String tag) {
            return watchers.computeIfAbsent(tag, t -> e -> {
                if (e.getType() == Watcher.Event.EventType.None) {
                    if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                        connected.countDown();
                        return;
                    }
                    if (e.getState() == Watcher.Event.KeeperState.Closed) return;
                }
                record(t, e);
            });
        }
    }

    private final String connectString;
    private final Map<String, Client> clients = new LinkedHashMap<>();

    private ZkDriver(String connectString) {
        this.connectString = connectString;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ZkDriver <connectString>");
            System.exit(2);
        }
        // A request the server never answers fails with ConnectionLoss instead of hanging.
        System.setProperty("zookeeper.request.timeout", "10000");
        ZkDriver driver = new ZkDriver(args[0]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isBlank()) continue;
            out.println(Json.write(driver.handle(line)));
        }
        for (Client c : driver.clients.values()) c.zk.close(2000);
        System.exit(0);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> handle(String line) {
        Map<String, Object> result = new LinkedHashMap<>();
        Map<String, Object> req;
        try {
            req = (Map<String, Object>) Json.parse(line);
        } catch (RuntimeException e) {
            result.put("ok", false);
            result.put("exception", "BadRequest");
            result.put("message", e.getMessage());
            return result;
        }
        result.put("op", req.get("op"));
        if (req.containsKey("label")) result.put("label", req.get("label"));
        try {
            result.putAll(dispatch(req));
        } catch (KeeperException e) {
            result.putAll(Codec.error(e.code().intValue()));
            if (e.getResults() != null) result.put("results", Codec.results(e.getResults()));
        } catch (Exception e) {
            result.put("ok", false);
            result.put("exception", e.getClass().getSimpleName());
            result.put("message", e.getMessage());
        }
        return result;
    }

    private Client client(Map<String, Object> req) throws Exception {
        String name = Codec.str(req, "client", "a");
        Client c = clients.get(name);
        if (c == null) {
            connect(name, 30000, 10000);
            c = clients.get(name);
        }
        return c;
    }

    private Client connect(String name, int sessionTimeout, long waitMs) throws Exception {
        Client c = new Client();
        c.zk = new Session(connectString, sessionTimeout, c.watcher("default"));
        if (!c.connected.await(waitMs, TimeUnit.MILLISECONDS)) {
            c.zk.close(1000);
            throw new IllegalStateException("not connected within " + waitMs + " ms");
        }
        clients.put(name, c);
        return c;
    }

    private Watcher watchArg(Client c, Map<String, Object> req) {
        Object w = req.get("watch");
        if (w == null || Boolean.FALSE.equals(w)) return null;
        return c.watcher(Boolean.TRUE.equals(w) ? "default" : w.toString());
    }

    private Map<String, Object> dispatch(Map<String, Object> req) throws Exception {
        String op = Codec.str(req, "op", "");
        String path = Codec.str(req, "path", null);
        int version = (int) Codec.num(req, "version", -1);
        Map<String, Object> r = Codec.obj();
        r.put("ok", true);
        if (op.equals("connect")) {
            String name = Codec.str(req, "client", "a");
            if (clients.containsKey(name)) throw new IllegalStateException(name + " is connected");
            Client c = connect(name, (int) Codec.num(req, "sessionTimeout", 30000),
                    Codec.num(req, "timeoutMs", 10000));
            r.put("sessionId", Codec.hex(c.zk.getSessionId()));
            r.put("sessionTimeout", c.zk.getSessionTimeout());
            return r;
        }
        if (op.equals("sleep")) {
            Thread.sleep(Codec.num(req, "ms", 100));
            return r;
        }
        Client c = client(req);
        Session zk = c.zk;
        switch (op) {
            case "close":
                zk.close();
                clients.remove(Codec.str(req, "client", "a"));
                break;
            case "create": {
                Stat stat = new Stat();
                CreateMode mode = Codec.mode(req);
                String created = req.containsKey("ttl")
                        ? zk.create(path, Codec.bytes(req), Codec.acl(req.get("acl")), mode, stat,
                                Codec.num(req, "ttl", 0))
                        : zk.create(path, Codec.bytes(req), Codec.acl(req.get("acl")), mode, stat);
                r.put("path", created);
                if (Codec.flag(req, "stat")) r.put("stat", Codec.stat(stat));
                break;
            }
            case "delete":
                zk.delete(path, version);
                break;
            case "exists":
                r.put("stat", Codec.stat(zk.exists(path, watchArg(c, req))));
                break;
            case "getData": {
                Stat stat = new Stat();
                r.put("data", Codec.text(zk.getData(path, watchArg(c, req), stat)));
                r.put("stat", Codec.stat(stat));
                break;
            }
            case "setData":
                r.put("stat", Codec.stat(zk.setData(path, Codec.bytes(req), version)));
                break;
            case "getACL": {
                Stat stat = new Stat();
                r.put("acl", Codec.aclOut(zk.getACL(path, stat)));
                r.put("stat", Codec.stat(stat));
                break;
            }
            case "setACL":
                r.put("stat", Codec.stat(zk.setACL(path, Codec.acl(req.get("acl")), version)));
                break;
            case "getChildren":
                if (Codec.flag(req, "stat")) {
                    Stat stat = new Stat();
                    r.put("children", Codec.sorted(zk.getChildren(path, watchArg(c, req), stat)));
                    r.put("stat", Codec.stat(stat));
                } else {
                    r.put("children", Codec.sorted(zk.getChildren(path, watchArg(c, req))));
                }
                break;
            case "sync":
                return sync(zk, path, r);
            case "multi": {
                List<org.apache.zookeeper.Op> ops = new ArrayList<>();
                for (Map<String, Object> m : Codec.list(req, "ops")) ops.add(Codec.op(m));
                r.put("results", Codec.results(zk.multi(ops)));
                break;
            }
            case "getEphemerals":
                r.put("paths",
                        Codec.sorted(path == null ? zk.getEphemerals() : zk.getEphemerals(path)));
                break;
            case "getAllChildrenNumber":
                r.put("count", zk.getAllChildrenNumber(path));
                break;
            case "addWatch":
                zk.addWatch(path, c.watcher(Codec.str(req, "watcher", "default")),
                        AddWatchMode.valueOf(Codec.str(req, "mode", "PERSISTENT")));
                break;
            case "removeWatches": {
                Watcher.WatcherType type =
                        Watcher.WatcherType.valueOf(Codec.str(req, "type", "Any"));
                boolean local = Codec.flag(req, "local");
                if (Codec.flag(req, "all")) {
                    zk.removeAllWatches(path, type, local);
                } else {
                    Watcher w = c.watcher(Codec.str(req, "watcher", "default"));
                    zk.removeWatches(path, w, type, local);
                }
                break;
            }
            case "whoAmI": {
                // Sorted: Apache keeps a connection's auth ids in a hash set (order unspecified).
                List<String> infos = new ArrayList<>();
                for (ClientInfo info : zk.whoAmI()) {
                    infos.add(info.getAuthScheme() + ":" + info.getUser());
                }
                r.put("clientInfo", Codec.sorted(infos));
                break;
            }
            case "addAuthInfo":
                zk.addAuthInfo(Codec.str(req, "scheme", "digest"),
                        Codec.str(req, "auth", "").getBytes(StandardCharsets.UTF_8));
                break;
            case "waitEvents":
                return waitEvents(c, req, r);
            case "raw":
                return raw(zk, req, r);
            default:
                throw new IllegalArgumentException("unknown op " + op);
        }
        return r;
    }

    private Map<String, Object> sync(Session zk, String path, Map<String, Object> r)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        int[] rc = {0};
        zk.sync(path, (code, p, ctx) -> {
            rc[0] = code;
            done.countDown();
        }, null);
        if (!done.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("sync timed out");
        return rc[0] == 0 ? r : Codec.error(rc[0]);
    }

    /** Waits (bounded) for `count` events, then `settleMs` more for unexpected extra ones. */
    private Map<String, Object> waitEvents(Client c, Map<String, Object> req, Map<String, Object> r)
            throws InterruptedException {
        long count = Codec.num(req, "count", 0);
        long deadline = System.currentTimeMillis() + Codec.num(req, "timeoutMs", 5000);
        synchronized (c) {
            for (long left = deadline - System.currentTimeMillis();
                    c.events.size() < count && left > 0;
                    left = deadline - System.currentTimeMillis()) {
                c.wait(left);
            }
        }
        Thread.sleep(Codec.num(req, "settleMs", 150));
        synchronized (c) {
            r.put("complete", c.events.size() >= count);
            r.put("events", new ArrayList<>(c.events));
            c.events.clear();
        }
        return r;
    }

    /** Requests sent as-is (no client-side path or TTL validation), to see what the server says. */
    private Map<String, Object> raw(Session zk, Map<String, Object> req, Map<String, Object> r)
            throws InterruptedException {
        String path = Codec.str(req, "path", "");
        int version = (int) Codec.num(req, "version", -1);
        byte[] data = Codec.bytes(req);
        int flags = (int) Codec.num(req, "flags", 0);
        ReplyHeader h;
        switch (Codec.str(req, "type", "")) {
            case "create": {
                CreateResponse resp = new CreateResponse();
                h = zk.raw(OpCode.create, new CreateRequest(path, data, Codec.acl(req.get("acl")),
                        flags), resp);
                r.put("path", resp.getPath());
                break;
            }
            case "create2":
            case "createContainer":
            case "createTTL": {
                String type = Codec.str(req, "type", "");
                Create2Response resp = new Create2Response();
                Record request = type.equals("createTTL")
                        ? new CreateTTLRequest(path, data, Codec.acl(req.get("acl")), flags,
                                Codec.num(req, "ttl", 0))
                        : new CreateRequest(path, data, Codec.acl(req.get("acl")), flags);
                int code = type.equals("create2") ? OpCode.create2
                        : type.equals("createTTL") ? OpCode.createTTL : OpCode.createContainer;
                h = zk.raw(code, request, resp);
                r.put("path", resp.getPath());
                r.put("stat", Codec.stat(resp.getStat()));
                break;
            }
            case "delete":
                h = zk.raw(OpCode.delete, new DeleteRequest(path, version), null);
                break;
            case "exists": {
                SetDataResponse resp = new SetDataResponse();
                h = zk.raw(OpCode.exists, new ExistsRequest(path, false), resp);
                r.put("stat", Codec.stat(resp.getStat()));
                break;
            }
            case "getData": {
                GetDataResponse resp = new GetDataResponse();
                h = zk.raw(OpCode.getData, new GetDataRequest(path, false), resp);
                r.put("data", Codec.text(resp.getData()));
                break;
            }
            case "setData":
                h = zk.raw(OpCode.setData, new SetDataRequest(path, data, version),
                        new SetDataResponse());
                break;
            case "getChildren": {
                GetChildrenResponse resp = new GetChildrenResponse();
                h = zk.raw(OpCode.getChildren, new GetChildrenRequest(path, false), resp);
                List<String> children = resp.getChildren();
                r.put("children", children == null ? null : Codec.sorted(children));
                break;
            }
            default:
                throw new IllegalArgumentException("unknown raw type " + req.get("type"));
        }
        return h.getErr() == 0 ? r : Codec.error(h.getErr());
    }
}
