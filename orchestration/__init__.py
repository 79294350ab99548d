"""Dagster orchestration of the warehouse: dbt layers as assets, GX suites as asset checks, the
semantic layer's exports and indicator dictionary, schedules and sensors.

  make dagster            # UI and daemon on http://127.0.0.1:3000
  dagster dev -m orchestration.definitions
"""
