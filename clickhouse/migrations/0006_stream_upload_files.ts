import type { Database } from '../sql.js';
import type { Migration } from '../migrate.js';

/**
 * A stream may arrive in several files of one upload, checked and promoted together: the per-activity
 * summary of a promotion counts each file's valid samples, so every file's outcome reports its own
 * samples (a staged sample's seq tells its file: ingest/streams.sql.ts FILE_SEQ_FACTOR).
 */
export const streamUploadFiles: Migration = {
  name: '0006_stream_upload_files',
  statements: (db: Database) => [
    `ALTER TABLE ${db}.stream_changes ADD COLUMN IF NOT EXISTS valid_by_file Map(UInt32, UInt64)
      COMMENT 'valid samples per file of the upload (file index → samples)'`,
  ],
};
