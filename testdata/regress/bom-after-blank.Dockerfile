 ﻿RUN echo hi
