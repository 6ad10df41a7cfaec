import { LocalLakeStorage } from '../../src/lake/storage/local/local-lake-storage.js';
import { MemoryLakeStorage } from '../../src/lake/storage/memory-lake-storage.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runLakeStorageContract } from './lake-storage-contract.js';

runLakeStorageContract('local directory', async () => new LocalLakeStorage(tempDir()));
runLakeStorageContract('memory', async () => new MemoryLakeStorage());
