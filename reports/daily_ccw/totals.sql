SELECT
  coalesce(sum(conversions), 0) AS conversions,
  coalesce(sum(effective_cost), 0) AS spend,
  CASE WHEN coalesce(sum(conversions), 0) > 0 THEN sum(effective_cost) / sum(conversions) ELSE 0 END AS cpa,
  count(*) AS affiliates
FROM daily_performance
WHERE date = :date AND advertiser_id = :advertiser_id
