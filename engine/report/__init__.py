"""engine.report"""
