import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.AbstractMongoBackend;
import de.bwaldvogel.mongo.backend.AbstractSynchronizedMongoCollection;
import de.bwaldvogel.mongo.backend.AbstractSynchronizedMongoDatabase;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Runs mongo-java-server (MongoDB wire protocol) for local tests, reporting MongoDB 7.0.0 / wire version 21 so that
 * the Node.js driver 7 (mongoose 9) accepts it. No build step:
 *
 * <pre>java -cp '.stack/lib/*' test/stack/MongoLauncher.java &lt;host&gt; &lt;port&gt; [memory|compact|h2:&lt;file&gt;]</pre>
 *
 * {@code compact} is the memory backend with each document held as its BSON bytes (CompactBackend, below): about its
 * BSON size on the heap instead of the memory backend's ~7 times, at the cost of a decode per document read and an
 * encode per document written. For the scale bench; the tests use {@code memory}.
 *
 * Prints one line starting with "ready" once it accepts connections; stops cleanly on SIGTERM/SIGINT (an H2 store
 * is only durable after such a clean stop, not after SIGKILL).
 */
public final class MongoLauncher {

    /** The version reported to clients (hello / buildInfo). */
    enum Mongo7 implements MongoVersion {
        INSTANCE;

        @Override
        public List<Integer> getVersionArray() {
            return List.of(7, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 21;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: java -cp '.stack/lib/*' test/stack/MongoLauncher.java <host> <port> [memory|compact|h2:<file>]");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String backendSpec = args.length == 3 ? args[2] : "memory";

        MongoBackend backend;
        if (backendSpec.equals("memory")) {
            backend = new MemoryBackend();
        } else if (backendSpec.equals("compact")) {
            backend = new CompactBackend();
        } else if (backendSpec.startsWith("h2:") && backendSpec.length() > 3) {
            backend = new H2Backend(backendSpec.substring(3));
        } else {
            System.err.println("unknown backend '" + backendSpec + "': use memory, compact or h2:<file>");
            System.exit(2);
            return;
        }
        backend.version(Mongo7.INSTANCE);

        MongoServer server = new MongoServer(backend);
        try {
            server.bind(host, port);
        } catch (RuntimeException e) {
            System.err.println("could not bind " + host + ":" + port + ": " + e);
            backend.close();
            System.exit(1);
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping mongo-java-server on " + host + ":" + port);
            server.shutdown(); // stops listening, closes connections, closes (and for H2 commits) the backend
            System.out.println("stopped");
            System.out.flush();
            stopped.countDown();
        }, "mongo-launcher-shutdown"));

        System.out.println("ready: mongo-java-server " + backendSpec + " on mongodb://" + host + ":" + port
            + " (reports MongoDB " + Mongo7.INSTANCE.toVersionString() + ", wire version " + Mongo7.INSTANCE.getWireVersion() + ")");
        System.out.flush();
        stopped.await(); // Netty's threads keep the JVM alive; this only parks main until the hook ran
    }
}

/**
 * mongo-java-server's memory backend (MemoryBackend, MemoryDatabase, MemoryCollection of 1.47.0) with one change: a
 * collection holds each document as its BSON bytes, not as a Document of boxed values and UTF-16 strings (about 7.4
 * times its BSON on the heap, bench/README "What ten million needs"). Reading a document decodes it into a fresh
 * Document, and every write of one (insert, update: handleUpdate gets the document as updated) encodes it again, so
 * nothing outside holds a reference into the store. The unique indexes (`_id` and declared ones) are CompactUniqueIndex:
 * the memory backend's index by position, with its string keys held as bytes in an open-addressing table.
 */
final class CompactBackend extends AbstractMongoBackend {
    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new CompactDatabase(databaseName, getCursorRegistry());
    }
}

final class CompactDatabase extends AbstractSynchronizedMongoDatabase<Integer> {
    CompactDatabase(String databaseName, CursorRegistry cursorRegistry) {
        super(databaseName, cursorRegistry);
        initializeNamespacesAndIndexes();
    }

    @Override
    protected CompactCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
        return new CompactCollection(this, collectionName, options, cursorRegistry);
    }

    @Override
    protected Index<Integer> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
        return new CompactUniqueIndex(indexName, keys, sparse);
    }

    @Override
    protected long getStorageSize() {
        return 0;
    }

    @Override
    protected long getFileSize() {
        return 0;
    }
}

final class CompactCollection extends AbstractSynchronizedMongoCollection<Integer> {
    /** Each document's BSON by position; null where one was removed (its position is reused). */
    private final ArrayList<byte[]> documents = new ArrayList<>();
    private final ArrayDeque<Integer> emptyPositions = new ArrayDeque<>();
    private int dataSize;

    CompactCollection(MongoDatabase database, String collectionName, CollectionOptions options, CursorRegistry cursorRegistry) {
        super(database, collectionName, options, cursorRegistry);
    }

    private static byte[] encode(Document document) {
        ByteBuf buffer = Unpooled.buffer();
        try {
            BsonEncoder.encodeDocument(document, buffer);
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.readBytes(bytes);
            return bytes;
        } finally {
            buffer.release();
        }
    }

    private static Document decode(byte[] bytes) {
        return bytes == null ? null : BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bytes));
    }

    @Override
    protected synchronized void updateDataSize(int sizeDelta) {
        dataSize += sizeDelta;
    }

    @Override
    protected synchronized int getDataSize() {
        return dataSize;
    }

    @Override
    protected Integer addDocumentInternal(Document document) {
        Integer position = emptyPositions.poll();
        byte[] bytes = encode(document);
        if (position == null) {
            position = documents.size();
            documents.add(bytes);
        } else {
            documents.set(position, bytes);
        }
        return position;
    }

    /** Every stored document decoded, in insertion order (reversed for a descending natural order), one at a time. */
    private Stream<Document> allDocuments(boolean reversed) {
        int n = documents.size();
        return IntStream.range(0, n).map(i -> reversed ? n - 1 - i : i).mapToObj(documents::get).filter(Objects::nonNull).map(CompactCollection::decode);
    }

    /**
     * Every document, decoded one at a time as the stream is read, from a snapshot of the stored arrays taken under the
     * collection's lock (a stored array is never changed, only replaced). An aggregation's source (countDocuments is one):
     * the interface's default collects the whole collection into a list first, here a decoded copy of every document,
     * which at ten million installations was more than 14 GiB of heap for one count.
     */
    @Override
    public Stream<Document> queryAllAsStream() {
        byte[][] snapshot;
        synchronized (this) {
            snapshot = documents.toArray(new byte[0][]);
        }
        return Arrays.stream(snapshot).filter(Objects::nonNull).map(CompactCollection::decode);
    }

    @Override
    protected QueryResult matchDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize, Document fieldSelector) {
        return matchDocumentsFromStream(allDocuments(isNaturalDescending(orderBy)), query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }

    @Override
    public synchronized int count() {
        return documents.size() - emptyPositions.size();
    }

    @Override
    public synchronized boolean isEmpty() {
        return count() == 0 || super.isEmpty();
    }

    @Override
    protected Integer findDocumentPosition(Document document) {
        for (int i = 0; i < documents.size(); i++) {
            byte[] bytes = documents.get(i);
            if (bytes != null && document.equals(decode(bytes))) return i;
        }
        return null;
    }

    @Override
    protected Stream<DocumentWithPosition<Integer>> streamAllDocumentsWithPosition() {
        return IntStream.range(0, documents.size())
            .filter(i -> documents.get(i) != null)
            .mapToObj(i -> new DocumentWithPosition<>(decode(documents.get(i)), i));
    }

    @Override
    protected void removeDocument(Integer position) {
        documents.set(position, null);
        emptyPositions.add(position);
    }

    @Override
    protected Document getDocument(Integer position) {
        return decode(documents.get(position));
    }

    @Override
    protected void handleUpdate(Integer position, Document oldDocument, Document newDocument) {
        documents.set(position, encode(newDocument));
    }
}

/**
 * The memory backend's unique index (MemoryUniqueIndex of 1.47.0: a map of key to position) with its commonest key, one
 * string (every `_id` this project writes), held compactly: the string's Latin-1 bytes in an open-addressing table
 * (linear probing, deletion by backward shift) beside an int array of positions. MemoryUniqueIndex holds such a key as
 * a map node, a KeyValue, its list, the String and a boxed Integer: about 2.4 GB of the ~9 GB live at 11 million
 * installations (bench/README "Ten million on the compact store, tried"). Every other key (a number, a document, a
 * compound key, a string with a character above U+00FF) stays in a map as there, so each key has exactly one home and
 * equality is the memory backend's: two strings of chars below 256 are equal exactly when their Latin-1 bytes are.
 */
final class CompactUniqueIndex extends AbstractUniqueIndex<Integer> {
    private byte[][] keys = new byte[16][];
    private int[] positions = new int[16];
    private int size;
    private final Map<KeyValue, Integer> others = new HashMap<>();

    CompactUniqueIndex(String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
    }

    /** The key's bytes when it is one string of chars below 256 (one byte each, so exact), else null. */
    private static byte[] latin1(KeyValue keyValue) {
        if (keyValue.size() != 1 || !(keyValue.get(0) instanceof String)) return null;
        String s = (String) keyValue.get(0);
        byte[] bytes = new byte[s.length()];
        for (int i = 0; i < bytes.length; i++) {
            char c = s.charAt(i);
            if (c > 0xFF) return null;
            bytes[i] = (byte) c;
        }
        return bytes;
    }

    private static int hash(byte[] key) {
        int h = Arrays.hashCode(key); // then murmur3's finaliser, so that similar ids spread over the table
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    /** The slot holding key, or the empty slot where it would go. */
    private int slotOf(byte[] key) {
        int mask = keys.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == null || Arrays.equals(keys[i], key)) return i;
        }
    }

    private void grow() {
        byte[][] oldKeys = keys;
        int[] oldPositions = positions;
        keys = new byte[oldKeys.length * 2][];
        positions = new int[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] == null) continue;
            int slot = slotOf(oldKeys[i]);
            keys[slot] = oldKeys[i];
            positions[slot] = oldPositions[i];
        }
    }

    /** Empties a slot and moves back each later key of its run that may not sit beyond the gap (backward shift). */
    private void clear(int gap) {
        int mask = keys.length - 1;
        keys[gap] = null;
        for (int j = (gap + 1) & mask; keys[j] != null; j = (j + 1) & mask) {
            int home = hash(keys[j]) & mask;
            if (((j - home) & mask) >= ((j - gap) & mask)) { // the gap lies between the key's home and its slot
                keys[gap] = keys[j];
                positions[gap] = positions[j];
                keys[j] = null;
                gap = j;
            }
        }
    }

    @Override
    public synchronized long getCount() {
        return size + others.size();
    }

    @Override
    public synchronized boolean isEmpty() {
        return getCount() == 0;
    }

    @Override
    public long getDataSize() {
        return getCount(); // as MemoryUniqueIndex
    }

    @Override
    protected synchronized Integer removeDocument(KeyValue keyValue) {
        byte[] key = latin1(keyValue);
        if (key == null) return others.remove(keyValue);
        int slot = slotOf(key);
        if (keys[slot] == null) return null;
        int position = positions[slot];
        clear(slot);
        size--;
        return position;
    }

    @Override
    protected synchronized boolean putKeyPosition(KeyValue keyValue, Integer position) {
        byte[] key = latin1(keyValue);
        if (key == null) return others.putIfAbsent(keyValue, position) == null;
        int slot = slotOf(key);
        if (keys[slot] != null) return false;
        keys[slot] = key;
        positions[slot] = position;
        if (++size * 3 > keys.length * 2) grow(); // at most two thirds full
        return true;
    }

    @Override
    protected synchronized Integer getPosition(KeyValue keyValue) {
        byte[] key = latin1(keyValue);
        if (key == null) return others.get(keyValue);
        int slot = slotOf(key);
        return keys[slot] == null ? null : positions[slot];
    }

    /** Every key and its position (a regular expression on the key reads them all), as a copy. */
    @Override
    protected synchronized Iterable<Map.Entry<KeyValue, Integer>> getIterable() {
        List<Map.Entry<KeyValue, Integer>> entries = new ArrayList<>(others.entrySet());
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) entries.add(new SimpleImmutableEntry<>(new KeyValue(new String(keys[i], StandardCharsets.ISO_8859_1)), positions[i]));
        }
        return entries;
    }
}
