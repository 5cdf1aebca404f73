"""One module per command: each assembles its request once (the expression read, the point
bound, the points opened, every option checked), calls the computation once and shows the
result through :mod:`gradcli.commands.display`, which picks the renderer by the result's type.

``gradcli.cli`` declares the options and hands them over; nothing here knows Typer.
"""
