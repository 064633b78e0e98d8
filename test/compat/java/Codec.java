// Conversions between the ZkDriver JSON protocol and ZooKeeper client types (our own code).
// Longs that may exceed 2^53 (zxids, session ids, ephemeralOwner) are written as "0x..." hex
// strings; ctime/mtime stay numbers (milliseconds).

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;

final class Codec {
    private Codec() {}

    static Map<String, Object> obj() {
        return new LinkedHashMap<>();
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    static String str(Map<String, Object> m, String key, String dflt) {
        Object v = m.get(key);
        return v == null ? dflt : v.toString();
    }

    static long num(Map<String, Object> m, String key, long dflt) {
        Object v = m.get(key);
        return v instanceof Number ? ((Number) v).longValue() : dflt;
    }

    static boolean flag(Map<String, Object> m, String key) {
        return Boolean.TRUE.equals(m.get(key));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof List ? (List<Map<String, Object>>) v : Collections.emptyList();
    }

    static Map<String, Object> stat(Stat s) {
        if (s == null) return null;
        Map<String, Object> m = obj();
        m.put("czxid", hex(s.getCzxid()));
        m.put("mzxid", hex(s.getMzxid()));
        m.put("ctime", s.getCtime());
        m.put("mtime", s.getMtime());
        m.put("version", s.getVersion());
        m.put("cversion", s.getCversion());
        m.put("aversion", s.getAversion());
        m.put("ephemeralOwner", hex(s.getEphemeralOwner()));
        m.put("dataLength", s.getDataLength());
        m.put("numChildren", s.getNumChildren());
        m.put("pzxid", hex(s.getPzxid()));
        return m;
    }

    /** Request data: a UTF-8 string, or null for a null byte array. */
    static byte[] bytes(Map<String, Object> m) {
        Object v = m.get("data");
        return v == null ? null : v.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] data) {
        return data == null ? null : new String(data, StandardCharsets.UTF_8);
    }

    static int perms(Object p) {
        if (p instanceof Number) return ((Number) p).intValue();
        int perms = 0;
        for (char c : p.toString().toCharArray()) {
            switch (c) {
                case 'r': perms |= ZooDefs.Perms.READ; break;
                case 'w': perms |= ZooDefs.Perms.WRITE; break;
                case 'c': perms |= ZooDefs.Perms.CREATE; break;
                case 'd': perms |= ZooDefs.Perms.DELETE; break;
                case 'a': perms |= ZooDefs.Perms.ADMIN; break;
                default: throw new IllegalArgumentException("bad permission " + c);
            }
        }
        return perms;
    }

    /** "OPEN" (default), "READ", "CREATOR", "EMPTY", or [{perms, scheme, id}]. */
    @SuppressWarnings("unchecked")
    static List<ACL> acl(Object spec) {
        if (spec == null || "OPEN".equals(spec)) return ZooDefs.Ids.OPEN_ACL_UNSAFE;
        if ("READ".equals(spec)) return ZooDefs.Ids.READ_ACL_UNSAFE;
        if ("CREATOR".equals(spec)) return ZooDefs.Ids.CREATOR_ALL_ACL;
        if ("EMPTY".equals(spec)) return new ArrayList<>();
        List<ACL> out = new ArrayList<>();
        for (Object o : (List<Object>) spec) {
            Map<String, Object> a = (Map<String, Object>) o;
            out.add(new ACL(perms(a.get("perms")), new Id(str(a, "scheme", "world"),
                    str(a, "id", "anyone"))));
        }
        return out;
    }

    static List<Object> aclOut(List<ACL> acl) {
        List<Object> out = new ArrayList<>();
        for (ACL a : acl) {
            Map<String, Object> m = obj();
            m.put("perms", a.getPerms());
            m.put("scheme", a.getId().getScheme());
            m.put("id", a.getId().getId());
            out.add(m);
        }
        return out;
    }

    static CreateMode mode(Map<String, Object> m) {
        return CreateMode.valueOf(str(m, "mode", "PERSISTENT"));
    }

    static List<String> sorted(List<String> items) {
        List<String> copy = new ArrayList<>(items);
        Collections.sort(copy);
        return copy;
    }

    static Op op(Map<String, Object> m) {
        String path = str(m, "path", null);
        int version = (int) num(m, "version", -1);
        switch (str(m, "op", "")) {
            case "create":
                if (m.containsKey("ttl")) {
                    return Op.create(path, bytes(m), acl(m.get("acl")), mode(m), num(m, "ttl", 0));
                }
                return Op.create(path, bytes(m), acl(m.get("acl")), mode(m));
            case "delete": return Op.delete(path, version);
            case "setData": return Op.setData(path, bytes(m), version);
            case "check": return Op.check(path, version);
            case "getData": return Op.getData(path);
            case "getChildren": return Op.getChildren(path);
            default: throw new IllegalArgumentException("unknown multi op " + m.get("op"));
        }
    }

    static Map<String, Object> error(int code) {
        Map<String, Object> m = obj();
        m.put("ok", false);
        m.put("code", code);
        KeeperException.Code c = KeeperException.Code.get(code);
        m.put("name", c == null ? "UNKNOWN" : c.name());
        return m;
    }

    static List<Object> results(List<OpResult> results) {
        if (results == null) return null;
        List<Object> out = new ArrayList<>();
        for (OpResult r : results) {
            Map<String, Object> m = obj();
            if (r instanceof OpResult.CreateResult) {
                OpResult.CreateResult c = (OpResult.CreateResult) r;
                m.put("type", "create");
                m.put("path", c.getPath());
                if (c.getStat() != null) m.put("stat", stat(c.getStat()));
            } else if (r instanceof OpResult.DeleteResult) {
                m.put("type", "delete");
            } else if (r instanceof OpResult.SetDataResult) {
                m.put("type", "setData");
                m.put("stat", stat(((OpResult.SetDataResult) r).getStat()));
            } else if (r instanceof OpResult.CheckResult) {
                m.put("type", "check");
            } else if (r instanceof OpResult.GetDataResult) {
                OpResult.GetDataResult g = (OpResult.GetDataResult) r;
                m.put("type", "getData");
                m.put("data", text(g.getData()));
                m.put("stat", stat(g.getStat()));
            } else if (r instanceof OpResult.GetChildrenResult) {
                m.put("type", "getChildren");
                m.put("children", sorted(((OpResult.GetChildrenResult) r).getChildren()));
            } else if (r instanceof OpResult.ErrorResult) {
                int code = ((OpResult.ErrorResult) r).getErr();
                KeeperException.Code c = KeeperException.Code.get(code);
                m.put("type", "error");
                m.put("code", code);
                m.put("name", c == null ? "UNKNOWN" : c.name());
            } else {
                m.put("type", r.getClass().getSimpleName());
            }
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> event(String watcher, WatchedEvent e) {
        Map<String, Object> m = obj();
        m.put("type", e.getType().name());
        m.put("state", e.getState().name());
        m.put("path", e.getPath());
        m.put("watcher", watcher);
        return m;
    }
}
