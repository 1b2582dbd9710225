SELECT
  affiliate_label,
  sum(conversions) AS conversions,
  sum(effective_cost) AS spend,
  CASE WHEN sum(conversions) > 0 THEN sum(effective_cost) / sum(conversions) ELSE 0 END AS cpa,
  max(is_internal) AS is_internal
FROM daily_performance
WHERE date = :date AND advertiser_id = :advertiser_id AND conversions > 0
GROUP BY affiliate_id, affiliate_label
ORDER BY sum(conversions) DESC, affiliate_label
LIMIT 10
