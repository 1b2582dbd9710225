-- Per day, advertiser and affiliate: Everflow's conversions, payout and revenue, the
-- RedTrack spend of the traffic sources mapped to the affiliate (seeds/affiliate_mapping.csv),
-- whether the affiliate is internal paid media, and what it cost us: RedTrack spend for
-- internal affiliates, Everflow payout for external ones. One definition for SQLite and
-- PostgreSQL: integer flags rather than booleans, no two-argument round().
SELECT
  s.date AS date,
  s.advertiser_id AS advertiser_id,
  s.affiliate_id AS affiliate_id,
  trim(s.affiliate_label) AS affiliate_label,
  s.conversions AS conversions,
  s.payout AS payout,
  s.revenue AS revenue,
  coalesce(spend.cost, 0) AS redtrack_cost,
  CASE WHEN trim(s.affiliate_label) IN ('G2 - Meta', 'G2 - Google', 'SB - Meta', 'SB - Google') THEN 1 ELSE 0 END AS is_internal,
  CASE WHEN trim(s.affiliate_label) IN ('G2 - Meta', 'G2 - Google', 'SB - Meta', 'SB - Google')
       THEN coalesce(spend.cost, 0) ELSE s.payout END AS effective_cost,
  CASE WHEN s.conversions > 0
       THEN (CASE WHEN trim(s.affiliate_label) IN ('G2 - Meta', 'G2 - Google', 'SB - Meta', 'SB - Google')
                  THEN coalesce(spend.cost, 0) ELSE s.payout END) / s.conversions
       ELSE 0 END AS cpa
FROM everflow.daily_stats AS s
LEFT JOIN (
  SELECT d.date AS date, m.everflow_affiliate_id AS affiliate_id, m.everflow_advertiser_id AS advertiser_id, sum(d.cost) AS cost
  FROM redtrack.daily_spend AS d
  JOIN analytics.affiliate_mapping AS m ON m.redtrack_source_id = d.source_id
  WHERE m.everflow_affiliate_id IS NOT NULL
  GROUP BY d.date, m.everflow_affiliate_id, m.everflow_advertiser_id
) AS spend
  ON spend.date = s.date AND spend.affiliate_id = s.affiliate_id AND spend.advertiser_id = s.advertiser_id
