"""engine.profiling"""
