/**
 * Copies of the SQLite database that leave the storage they protect: object storage off the node
 * and the cluster, and the restore that brings the newest good one back.
 */
@NullMarked
package io.messages.db.sqlite.backup;

import org.jspecify.annotations.NullMarked;
