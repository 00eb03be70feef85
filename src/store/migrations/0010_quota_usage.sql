-- Agreement quotas (issue 6): calls counted per partner and window, one row
-- per gateway process (replica), which adds what it counted about once a
-- second. A replica allows a call while the sum over every replica's row
-- (as last read) plus what it counted since stays within the quota, so
-- replicas together overshoot by at most about one second of traffic.
-- Distribution (Citus): by partner_id.
CREATE TABLE quota_usage (
  partner_id   text NOT NULL,
  -- 'm:' || minute start (UTC, ISO), or 'd:' || calendar day (Asia/Shanghai)
  quota_window text NOT NULL,
  replica      text NOT NULL,
  used         bigint NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partner_id, quota_window, replica)
);
