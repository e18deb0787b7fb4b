# تيليغرام: نصوص القناة. أوصاف الأوامر تظهر في قائمة تيليغرام.

telegram-command-start = البدء من جديد
telegram-command-danger = أنا في خطر الآن
telegram-command-person = التحدث مع شخص
telegram-command-language = تغيير اللغة
telegram-command-help = مساعدة
telegram-command-exit = حذف المحادثة والخروج
telegram-command-forget = حذف بياناتي
telegram-only-text = يمكنني قراءة النصوص والأزرار فقط. ما أرسلته لا يُحفظ. يمكنك الكتابة بالكلمات بدلاً من ذلك.
telegram-edited = لا يمكنني قراءة الرسائل المعدَّلة. أرسل النص الجديد في رسالة جديدة.
telegram-old-button = هذا الزر لم يعد يعمل. استخدم الأزرار في آخر رسالة.
telegram-too-many = الرسائل تصل بسرعة كبيرة. انتظر لحظة ثم اكتب مرة أخرى. إذا كنت في خطر: اتصل بالرقم { $emergency }.
telegram-delete-chat = يسمح لي تيليغرام بحذف الرسائل التي عمرها أقل من يومين فقط. يمكنك حذف الرسائل الأقدم بنفسك: اضغط مطولاً على المحادثة في قائمة المحادثات واختر «حذف».
