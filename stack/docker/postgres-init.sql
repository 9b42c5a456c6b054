-- Databases of Rollout Ledger: the application's and the schema registry's storage.
CREATE DATABASE rollout_ledger;
CREATE DATABASE rollout_ledger_registry;
