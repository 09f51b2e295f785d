"""Alerts: subscribers, their saved searches, digests by e-mail and Apprise, operator health.

Imports technoveille.core only. Private data lives in its own SQLite file
(TECHNOVEILLE_PRIVATE_DB) that the public Datasette never opens."""
