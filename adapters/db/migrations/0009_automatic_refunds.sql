-- Refunds the automatic policy issued are marked, so that the write of the next one can count them:
-- the limit is per account over a rolling window, checked inside the write that issues the refund.
ALTER TABLE `ledger` ADD `automatic` integer DEFAULT false NOT NULL;