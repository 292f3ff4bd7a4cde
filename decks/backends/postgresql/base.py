"""Django's PostgreSQL backend, whose pooled connections are checked as they are taken.

psycopg's pool hands out an idle connection as it is; one the database dropped while it
sat in the pool (a restart, a failover, `pg_terminate_backend`) would fail the request
that got it, and every other one dropped with it the requests after. Here the connection
is tried first (an empty statement, one round trip); a broken one is given back, so the
pool discards it, the pool's other idle connections are checked the same way, and the
request takes a fresh connection, within the pool's timeout. psycopg's own `check`
option would do the same one connection at a time, sleeping a second between them.
"""

import psycopg
from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self.pool is None:
            return connection
        try:
            ConnectionPool.check_connection(connection)
        except psycopg.Error:
            self.pool.putconn(connection)  # broken: the pool discards it and opens another
            self.pool.check()  # and each idle one the database dropped with it
            connection = super().get_new_connection(conn_params)
        return connection
