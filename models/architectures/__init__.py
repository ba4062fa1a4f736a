"""Classic CNN architectures of the vision zoo (specs/zoo-vision.md V-17 ... V-24):
LeNet-5, AlexNet, VGG16/19, ResNet-34 and the CIFAR ResNet, the inception module and GoogLeNet,
MobileNet V1 and V2, and the blocks they are built from (:mod:`.blocks`). Zoo registration is in
:mod:`.entries`.
"""
from . import alexnet, blocks, inception, lenet, mobilenet, resnet, vgg  # noqa: F401
from .alexnet import AlexNet  # noqa: F401
from .inception import CifarGoogLeNet, GoogLeNet, InceptionModule  # noqa: F401
from .lenet import LeNet5  # noqa: F401
from .mobilenet import MobileNetV1, MobileNetV2  # noqa: F401
from .resnet import CifarResNet, ResNet  # noqa: F401
from .vgg import VGG  # noqa: F401
