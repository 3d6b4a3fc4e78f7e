/** SQL for a timestamptz column as JSON shows dates (toISOString), whatever the session's time zone. */
export function isoTimeSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
