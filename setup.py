"""Packaging for minigrad: the engine, its kernels and the model zoo."""
from setuptools import find_packages, setup

setup(
    name="minigrad",
    version="0.1.0",
    description="A readable reverse-mode autograd engine on NumPy/CuPy with Numba kernels, "
                "and a model zoo rebuilt from three deep-learning texts",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=find_packages(include=["minigrad", "minigrad.*", "kernels", "kernels.*",
                                    "models", "models.*", "benchmarks"]),
    install_requires=[
        "numpy>=2.0,<2.6",
        "scipy",
        "numba",
        "pillow",
    ],
    extras_require={
        "gpu": ["cupy-cuda13x"],
        "test": ["pytest", "hypothesis"],
        "bench": ["matplotlib"],
        # offline data sources (specs/data.md), progress bars and loss curves; the packages that
        # must be installed without their dependencies are in requirements-nodeps.txt
        "data": ["scikit-learn", "scikit-image", "tqdm", "matplotlib"],
    },
)
