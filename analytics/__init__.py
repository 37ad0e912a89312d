"""Analytics: pure functions over the tables read through the storage port.

Nothing here writes a file or draws: ``analytics.output`` does (``files``, ``plots``), so
the server never loads matplotlib. By idea:

* movement: ``round_trips`` (trips and journeys from moves), ``seasons`` (month arithmetic),
  ``circuits`` (seasonal circuits), ``circuit_scores`` (against an answer key),
  ``corridors`` (corridor view, seasonal calendar), ``multistop`` (multi-stop routes),
  ``district_flows`` (the flow graph, and one district's flows);
* contractors: ``supply_graph`` (the supply records and graph), ``contractor_risk``,
  ``chains`` (contractor chains), ``contractor_network`` (communities, brokers, and one
  contractor's chains), ``flag_quality`` (flags against an answer key).
"""
