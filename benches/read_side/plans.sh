# pg_stat_statements for benches/read_side.sh: how often each statement was planned, and what
# planning and execution cost it. Source it after common.sh; pgss_enable sets PGSS=1 when the
# extension can be used.
PGSS=

# The extension needs shared_preload_libraries, which only a restart of the server applies.
# That cuts every connection to the cluster, other people's too, so it is done only when asked.
pgss_enable() {
    local loaded
    loaded=$(psql "$BENCH_DB_URL" -Atc "show shared_preload_libraries")
    if [[ "$loaded" != *pg_stat_statements* ]]; then
        if [ -z "${PGSS_RESTART:-}" ]; then
            echo "pg_stat_statements is not loaded, so no plan counts below;"
            echo "PGSS_RESTART=1 adds it to shared_preload_libraries and restarts the local cluster."
            return 0
        fi
        local cluster=${PG_CLUSTER:-15 main}
        echo "Adding pg_stat_statements to shared_preload_libraries (ALTER SYSTEM) and restarting"
        echo "the local PostgreSQL cluster ($cluster): every connection to it is cut."
        psql "${BENCH_DB_URL%/*}/postgres" -qc "alter system set shared_preload_libraries =
            '${loaded:+$loaded,}pg_stat_statements'"
        # shellcheck disable=SC2086 # "15 main": two arguments
        pg_ctlcluster --skip-systemctl-redirect $cluster restart
    fi
    psql "$BENCH_DB_URL" -qc "create extension if not exists pg_stat_statements"
    # Planning is only counted when tracked; for sessions opened from now on in this database.
    psql "$BENCH_DB_URL" -qc "alter database $BENCH_DB set pg_stat_statements.track_planning = on"
    PGSS=1
}

pgss_reset() { # this database's statements only
    [ -n "$PGSS" ] || return 0
    psql "$BENCH_DB_URL" -qAtc "select pg_stat_statements_reset(0,
        (select oid from pg_database where datname = current_database()), 0)" >/dev/null
}

# This database's statements but the benchmark's own look-ups of these statistics.
pgss_mine="dbid = (select oid from pg_database where datname = current_database())
    and query not like '%pg_stat_statements%'"

# Statements run since the reset.
pgss_calls() {
    psql "$BENCH_DB_URL" -Atc "select coalesce(sum(calls), 0) from pg_stat_statements where $pgss_mine"
}

# The statements run at least min_calls times since the reset, most time first, one a line:
# calls, plans, mean planning ms, mean execution ms, rows per call, the start of the SQL.
pgss_statements() { # min_calls
    [ -n "$PGSS" ] || return 0
    psql "$BENCH_DB_URL" -AtF$'\t' -c "select calls, plans,
            round(mean_plan_time::numeric, 3), round(mean_exec_time::numeric, 3),
            round(rows::numeric / calls, 1),
            left(regexp_replace(query, '\s+', ' ', 'g'), 80)
        from pg_stat_statements
        where $pgss_mine and calls >= $1
        order by total_plan_time + total_exec_time desc
        limit 8"
}
