import java.io.File;
import java.nio.file.Files;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * One NameNode and one DataNode on fixed loopback ports, for gamepipe's tests. Exists because
 * MiniHadoopClusterManager always formats: a fault test stops HDFS and must find its files again,
 * so `resume` starts on the same directories with format=false.
 *
 * Usage: HdfsTestCluster <baseDir> <format: true|false> <rpcPort> <httpPort> <readyFile>
 */
public final class HdfsTestCluster {
  public static void main(String[] args) throws Exception {
    File baseDir = new File(args[0]);
    boolean format = Boolean.parseBoolean(args[1]);
    int rpcPort = Integer.parseInt(args[2]);
    int httpPort = Integer.parseInt(args[3]);
    File readyFile = new File(args[4]);

    HdfsConfiguration conf = new HdfsConfiguration();
    conf.set("hadoop.tmp.dir", new File(baseDir, "tmp").getAbsolutePath());
    conf.setBoolean("dfs.permissions.enabled", false);
    conf.setBoolean("dfs.webhdfs.enabled", true);
    conf.setInt("dfs.replication", 1);
    // A resumed NameNode leaves safe mode as soon as its one DataNode has reported, not 30 s later.
    conf.setInt("dfs.namenode.safemode.extension", 0);
    conf.setInt("dfs.namenode.safemode.extension.testing", 0);
    // WebHDFS writes go through the DataNode's own HDFS client, whose close() polls the NameNode
    // from 400 ms on until the block is complete: half a second per small file in tests otherwise.
    conf.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 20);
    // Nothing listens beyond loopback; the DataNode ports stay ephemeral (WebHDFS redirects to them).
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.https.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.set("dfs.namenode.https-address", "127.0.0.1:0");
    conf.set("dfs.namenode.secondary.http-address", "127.0.0.1:0");

    MiniDFSCluster cluster;
    try {
      cluster = new MiniDFSCluster.Builder(conf, baseDir)
          .nameNodePort(rpcPort)
          .nameNodeHttpPort(httpPort)
          .numDataNodes(1)
          .storagesPerDatanode(1)
          .format(format)
          // What the lake relies on ("resolved means durable") should hold here too.
          .skipFsyncForTesting(false)
          .build();
      cluster.waitActive();
    } catch (Throwable e) {
      // A half-started cluster keeps non-daemon threads alive: exit so the script sees the failure now.
      e.printStackTrace();
      System.exit(1);
      return;
    }
    final MiniDFSCluster started = cluster;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> started.shutdown(false)));
    Files.writeString(readyFile.toPath(), cluster.getURI().toString() + "\n");
    Thread.currentThread().join();
  }
}
