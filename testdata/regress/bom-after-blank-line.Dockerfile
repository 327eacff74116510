
﻿RUN echo hi
