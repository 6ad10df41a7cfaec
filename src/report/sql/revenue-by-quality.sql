-- Revenue by item quality; the report puts the qualities in the catalog's order.
select
  item_quality,
  count(*) as purchases,
  sum(quantity) as quantity,
  sum(cast(round(total_price * 100) as bigint)) as revenue_cents
from events_buy
where dt >= '{from}'
group by item_quality
order by item_quality
