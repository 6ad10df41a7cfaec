package gamepipe;

import java.util.Map;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Files;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/**
 * Opens one table by its metadata file, as Iceberg's Java library plans a scan of its current
 * snapshot, and prints one line per data file: `<path>\t<record count>\t<partition dt>`, then
 * `snapshot\t<id>\t<total-records>` from the summary.
 */
public final class ReadTable {
  /** Local files only: enough for a lake in a directory, without Hadoop. */
  static final class LocalFileIO implements FileIO {
    private static String local(String location) {
      return location.replaceFirst("^file:(//)?", "");
    }

    @Override
    public InputFile newInputFile(String path) {
      return Files.localInput(local(path));
    }

    @Override
    public OutputFile newOutputFile(String path) {
      return Files.localOutput(local(path));
    }

    @Override
    public void deleteFile(String path) {
      throw new UnsupportedOperationException("a reader deletes nothing");
    }

    @Override
    public void initialize(Map<String, String> properties) {}
  }

  public static void main(String[] args) throws Exception {
    Table table = new BaseTable(new StaticTableOperations(args[0], new LocalFileIO()), "gamepipe");
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        System.out.println(
            task.file().location() + "\t" + task.file().recordCount() + "\t" + task.file().partition().get(0, String.class));
      }
    }
    var snapshot = table.currentSnapshot();
    System.out.println("snapshot\t" + (snapshot == null ? "none" : snapshot.snapshotId() + "\t" + snapshot.summary().get("total-records")));
  }
}
