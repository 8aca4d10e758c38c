-- nothing here
/* nor ; here */
;;
