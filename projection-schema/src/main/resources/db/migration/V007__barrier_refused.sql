-- SPDX-License-Identifier: Apache-2.0
-- Records of an upload the merge refused (their entity's state would have passed Kafka's record
-- limit; they are in cmf.journal.dlq.v1), per partition as the barrier mark counts them
-- (EntityChange v2). Without them a receipt read APPLIED with nothing new, and a cmf push whose
-- only new record was refused answered "exists".
ALTER TABLE barriers ADD COLUMN refused bigint NOT NULL DEFAULT 0;
